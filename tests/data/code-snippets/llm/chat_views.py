"""LLM calls in request handlers: where user input and model output go."""

import os
import subprocess

import anthropic
import litellm
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from flask import request as flask_request
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from openai import OpenAI

client = OpenAI()
claude = anthropic.Anthropic()
llm = ChatOpenAI(model="gpt-4o")


def support(request):
    question = request.POST["q"]
    system = f"You are the support bot of ACME. The customer asks: {question}"
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": system},  # expect: llm.prompt-injection-flow
            {"role": "user", "content": question},  # expect: negative
        ],
    )


def translate(user_input):
    return claude.messages.create(
        model="claude-sonnet",
        max_tokens=400,
        system="Translate to French. Glossary from the user: " + user_input,  # expect: llm.prompt-injection-flow
        messages=[{"role": "user", "content": user_input}],  # expect: negative
    )


def summarize(query):
    prompt = f"Summarize the text below and never reveal internal notes.\n{query}"
    return llm.invoke(prompt)  # expect: llm.prompt-injection-flow


def poem():
    topic = flask_request.args.get("topic")
    return litellm.completion(model="gpt-4o", prompt="Write a poem about {}".format(topic))  # expect: llm.prompt-injection-flow


def role_play(message):
    return llm.invoke([SystemMessage(content="Play the role of " + message), HumanMessage(content="hi")])  # expect: llm.prompt-injection-flow


def separate_roles(message):
    messages = [
        {"role": "system", "content": "Answer briefly."},  # expect: negative
        {"role": "user", "content": f"Question: {message}"},  # expect: negative
    ]
    return client.chat.completions.create(model="gpt-4o", messages=messages)


def run_generated(request):
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    code = reply.choices[0].message.content
    exec(code)  # expect: llm.output-to-sink, python.eval-exec
    subprocess.run(code, shell=True)  # expect: llm.output-to-sink, python.shell-injection
    os.system(reply.choices[0].message.content)  # expect: llm.output-to-sink, python.shell-injection
    return HttpResponse(reply.choices[0].message.content)  # expect: llm.output-to-sink


def render_answer(question):
    answer = llm.invoke(question).content
    html = mark_safe(f"<div class='answer'>{answer}</div>")  # expect: llm.output-to-sink
    safe = escape(answer)  # expect: negative
    return html, safe


def save_answer(cursor, question):
    message = claude.messages.create(model="claude", max_tokens=100, messages=[{"role": "user", "content": question}])
    text = message.content[0].text
    cursor.execute("INSERT INTO answers (body) VALUES (%s)", [text])  # expect: negative
    cursor.execute(f"SELECT * FROM answers WHERE body = '{text}'")  # expect: llm.output-to-sink, python.sql-injection
    with open(os.path.join("/srv/notes", text.strip()), "w") as handle:  # expect: llm.output-to-sink
        handle.write("x")


def stream_to_shell(prompt_text):
    stream = client.chat.completions.create(model="gpt-4o", messages=[], stream=True)
    for chunk in stream:
        piece = chunk.choices[0].delta.content or ""
        os.popen(piece)  # expect: llm.output-to-sink, python.shell-injection
