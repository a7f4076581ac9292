"""Agents and tools, and credentials near prompts."""

import os
import subprocess

from langchain.agents import initialize_agent, load_tools
from langchain_community.tools import ShellTool
from langchain_core.tools import tool
from langchain_experimental.agents import create_pandas_dataframe_agent
from langchain_experimental.tools import PythonREPLTool
from openai import OpenAI

client = OpenAI()


def build_agents(llm, frame):
    shell = ShellTool()  # expect: llm.agent-shell-tool
    repl = PythonREPLTool()  # expect: llm.agent-shell-tool
    toolbox = load_tools(["terminal", "wikipedia"], llm=llm)  # expect: llm.agent-shell-tool
    analyst = create_pandas_dataframe_agent(llm, frame, allow_dangerous_code=True)  # expect: llm.agent-shell-tool
    research = load_tools(["wikipedia", "llm-math"], llm=llm)  # expect: negative
    return initialize_agent([shell, repl, *toolbox, *research], llm), analyst


@tool
def run_command(command: str) -> str:
    """Run a shell command for the agent."""
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout  # expect: llm.agent-shell-tool, python.shell-injection


@tool
def free_disk() -> str:
    """Free disk space."""
    return subprocess.run(["df", "-h"], capture_output=True, text=True).stdout  # expect: negative


def execute(cmd):
    return os.popen(cmd).read()  # expect: llm.agent-shell-tool, python.shell-injection


def ask_with_tools(messages):
    return client.chat.completions.create(model="gpt-4o", messages=messages, tools=[execute])


def keys_in_prompts(api_key, max_tokens, question):
    client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"Call the billing API with key {api_key}"},  # expect: llm.secret-in-system-prompt
            {"role": "user", "content": question},
        ],
    )
    system_prompt = f"Answer in at most {max_tokens} tokens."  # expect: negative
    return system_prompt


SYSTEM_PROMPT = "You can open the admin console with token ghp_Xk29fJwQ8mLr4Tz7Vb1Nc6Hy3Sd5Ga0Pe2Ku"  # expect: llm.secret-in-system-prompt
HELP_PROMPT = "You are a helpful assistant for the billing team."  # expect: negative
