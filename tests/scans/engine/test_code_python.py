"""The Python analyzer: qualified names, flow through assignments, locations, masking, robustness."""

import pytest

from scans.engine.code import scan_code
from scans.engine.code.python import scan_python

OPENAI_KEY = "sk-proj-" + "Q7fX2kLm9Rt4Vb8Nd3Wz6YpS1hJc"


def rules_of(text: str, path: str = "app.py") -> list[str]:
    return [finding.rule_id for finding in scan_python(path, text)]


@pytest.mark.parametrize(
    "text",
    [
        "import pickle as p\np.loads(b)",
        "from pickle import loads as unpack\nunpack(b)",
        "import yaml as y\ny.load(s)",
        "from yaml import load\nload(s)",
        "def f(b):\n    import cPickle\n    return cPickle.loads(b)",
    ],
)
def test_calls_are_matched_through_imports_and_aliases(text):
    assert rules_of(text) in (["python.pickle-load"], ["python.yaml-load"])


@pytest.mark.parametrize(
    "text",
    [
        "cache.load(key)\nstore.loads(blob)",
        "from mylib import load\nload(s)",
        "import json as pickle\n",
        "from myapp.pickle import helpers\nhelpers.load(x)",
        "self.pickle.load(f)",
    ],
)
def test_a_method_with_a_dangerous_name_on_another_object_is_not_flagged(text):
    assert rules_of(text) == []


def test_a_query_built_in_one_function_does_not_taint_a_name_in_another():
    text = (
        "def build(name):\n    sql = f\"SELECT * FROM t WHERE n = '{name}'\"\n    return sql\n"
        "def run(cursor):\n    sql = 'SELECT 1'\n    cursor.execute(sql)\n"
    )
    assert rules_of(text) == []


def test_reassigning_a_query_to_a_constant_clears_it():
    text = "q = 'SELECT * FROM t WHERE id = ' + pk\nq = 'SELECT 1'\ncursor.execute(q)\n"
    assert rules_of(text) == []


def test_a_file_that_does_not_parse_has_no_findings():
    assert scan_python("broken.py", "import pickle\npickle.loads(b\n") == []
    assert scan_python("nul.py", "import pickle\x00\npickle.loads(b)") == []


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "(" * 5000 + "1" + ")" * 5000,
        "eval(" + "a + " * 20000 + "a)",
        "import pickle\npickle.loads(" + "[" * 150 + "]" * 150 + ")",
        "import os\nos.system(" + "-" * 50000 + "x)",
    ],
)
def test_absurdly_nested_code_never_raises(text):
    assert isinstance(scan_python("deep.py", text), list)


def test_line_and_column_count_characters_from_one():
    text = "import os\n\ndef f(é, cmd):\n    é2 = 'ü'; os.system(cmd)\n"
    [finding] = scan_python("app.py", text)
    assert (finding.line, finding.column) == (4, 15)
    assert finding.snippet == "é2 = 'ü'; os.system(cmd)"


def test_a_secret_on_the_flagged_line_is_masked_in_the_snippet():
    text = f"import requests\nrequests.get(url, headers={{'Authorization': '{OPENAI_KEY}'}}, verify=False)\n"
    [finding] = scan_python("client.py", text)
    assert finding.rule_id == "python.tls-verify-disabled"
    assert OPENAI_KEY not in finding.snippet
    assert "sk-p…(" in finding.snippet


def test_a_key_in_a_system_prompt_is_reported_masked():
    text = (
        "from openai import OpenAI\nclient = OpenAI()\n"
        f"client.chat.completions.create(model='m', messages=[{{'role': 'system', 'content': 'key {OPENAI_KEY}'}}])\n"
    )
    findings = scan_python("bot.py", text)
    assert [f.rule_id for f in findings] == ["llm.secret-in-system-prompt"]
    assert all(OPENAI_KEY not in f.snippet and OPENAI_KEY not in f.description for f in findings)
    assert OPENAI_KEY not in repr(findings)


def test_the_fingerprint_survives_a_line_move_and_depends_on_the_path():
    [first] = scan_python("a.py", "import os\nos.system(cmd)\n")
    [moved] = scan_python("a.py", "import os\n\n\n# moved\nos.system(cmd)\n")
    [elsewhere] = scan_python("b.py", "import os\nos.system(cmd)\n")
    assert first.fingerprint == moved.fingerprint
    assert first.fingerprint != elsewhere.fingerprint


def test_debug_on_is_a_finding_only_in_settings_modules():
    assert rules_of("DEBUG = True\n", path="project/settings/dev.py") == ["python.django-debug"]
    assert rules_of("DEBUG = True\n", path="project/app/logic.py") == []


def test_assert_on_permissions_is_not_reported_in_tests():
    text = "assert request.user.is_staff\n"
    assert rules_of(text, path="app/views.py") == ["python.assert-access-check"]
    assert rules_of(text, path="app/tests/test_views.py") == []
    assert rules_of(text, path="conftest.py") == []


def test_user_input_reaching_a_system_message_through_several_assignments_is_followed():
    text = (
        "from openai import OpenAI\nclient = OpenAI()\n"
        "def view(request):\n"
        "    raw = request.GET.get('q', '')\n"
        "    cleaned = raw.strip()\n"
        "    parts = ['Context: ', cleaned]\n"
        "    system = ''.join(parts)\n"
        "    system += ' Answer briefly.'\n"
        "    client.chat.completions.create(model='m', messages=[{'role': 'system', 'content': system}])\n"
    )
    findings = scan_python("views.py", text)
    assert [(f.rule_id, f.line) for f in findings] == [("llm.prompt-injection-flow", 9)]


def test_without_any_llm_client_the_flow_rules_do_not_run():
    text = "def view(request):\n    q = request.GET['q']\n    messages = [{'role': 'system', 'content': q}]\n"
    assert rules_of(text) == []


def test_scan_code_dispatches_by_extension():
    assert [f.rule_id for f in scan_code("tool.py", "import os\nos.system(c)")] == ["python.shell-injection"]
    assert [f.rule_id for f in scan_code("page.js", "eval(x)")] == ["js.eval"]
    assert scan_code("notes.txt", "eval(x)") == []
    assert scan_code("types.pyi", "import os\nos.system(c)") == []


def test_a_query_kept_in_a_name_with_a_placeholder_and_bound_values_is_not_flagged():
    text = "def f(cur, table, pk):\n    q = f'SELECT * FROM {table} WHERE id = %s'\n    cur.execute(q, (pk,))\n"
    assert rules_of(text) == []
    text = "def f(cur, table, pk):\n    q = f'SELECT * FROM {table} WHERE id = {pk}'\n    cur.execute(q, ())\n"
    assert rules_of(text) == ["python.sql-injection"]


def test_a_query_template_filled_with_a_constant_is_not_flagged():
    assert rules_of("cur.execute(self.query % 'sumint')") == []
    assert rules_of("cur.execute(self.query % name)") == ["python.sql-injection"]


def test_an_assert_is_an_access_check_by_whole_identifier_parts():
    assert rules_of("assert node.ownerDocument is doc", path="dom.py") == []
    assert rules_of("assert decode(b, 'x-user-defined') == s", path="codec.py") == []
    assert rules_of("assert doc.is_owner(user)", path="docs.py") == ["python.assert-access-check"]
