"""The JavaScript/TypeScript analyzer: tokens, not text, so comments and strings never match."""

import pytest

from scans.engine.code.javascript import scan_javascript


def rules_of(text: str, path: str = "app.js") -> list[str]:
    return [finding.rule_id for finding in scan_javascript(path, text)]


@pytest.mark.parametrize(
    "text",
    [
        "// eval(userInput)\nconst x = 1;",
        "/* el.innerHTML = html; */",
        "const help = 'call eval(code) to run it';",
        'const t = "document.write(x)";',
        "const doc = `el.innerHTML = ${'a'}`;",
        "const re = /eval\\(x\\)/g;",
        "<!-- eval(x) -->",
    ],
)
def test_matches_inside_comments_strings_and_regexes_are_ignored(text):
    assert rules_of(text) == []


def test_an_apostrophe_in_jsx_text_does_not_hide_the_next_lines():
    text = "const A = () => <p>Don't worry</p>;\nel.innerHTML = html;\n"
    assert rules_of(text, path="a.jsx") == ["js.inner-html"]


def test_exec_is_child_process_exec_only_when_bound_to_child_process():
    assert rules_of("const { exec } = require('child_process');\nexec(cmd);") == ["js.child-process-exec"]
    assert rules_of("const { exec: run } = require('child_process');\nrun(`ls ${dir}`);") == ["js.child-process-exec"]
    assert rules_of("import cp from 'node:child_process';\ncp.execSync(cmd);") == ["js.child-process-exec"]
    assert rules_of("function exec(q) { return db.query(q); }\nexec(sql);") == []
    assert rules_of("const m = /x/.exec(s); const n = re.exec(line);") == []


def test_a_template_without_fields_is_a_literal_and_one_with_fields_is_not():
    assert rules_of("el.innerHTML = `<b>static</b>`;") == []
    assert rules_of("el.innerHTML = `<b>${name}</b>`;") == ["js.inner-html"]


def test_model_output_through_a_typescript_annotation_and_marked_is_the_llm_rule():
    text = (
        "const res = await client.chat.completions.create({ model, messages });\n"
        "const text: string = res.choices[0].message.content ?? '';\n"
        "const html = marked.parse(text);\n"
        "view.innerHTML = html;\n"
    )
    findings = scan_javascript("chat.ts", text)
    assert [(f.rule_id, f.line, f.column) for f in findings] == [("js.llm-output-html", 4, 6)]


def test_the_value_ends_at_the_statement_so_later_lines_do_not_count():
    text = "el.innerHTML = '<p>hi</p>'\nconst user = getUser()\n"
    assert rules_of(text) == []


def test_a_multi_line_value_is_followed_across_operators():
    text = "el.innerHTML = '<p>' +\n  comment.body +\n  '</p>';\n"
    findings = scan_javascript("a.js", text)
    assert [(f.rule_id, f.line, f.column) for f in findings] == [("js.inner-html", 1, 4)]
    assert findings[0].snippet == "el.innerHTML = '<p>' +"


def test_a_key_on_the_flagged_line_is_masked():
    key = "sk-" + "live9Xq2Lm7Rt4Vb8Nd3Wz6YpS1h"
    [finding] = scan_javascript("a.js", f"eval(code + '{key}');")
    assert key not in finding.snippet


@pytest.mark.parametrize(
    "text",
    [
        "`${`${`${" * 300 + "x" + "}`}`}`" * 300,
        "(" * 20000,
        "el.innerHTML = " + "'a' + " * 5000 + "b;",
        "`unterminated ${",
    ],
)
def test_malformed_or_deeply_nested_source_never_raises(text):
    assert isinstance(scan_javascript("odd.js", text), list)
