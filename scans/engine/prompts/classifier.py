"""A small learned classifier for attacks the rules do not word-match: paraphrases, new personas.

Logistic regression over hashed features of the normalised view: word unigrams and bigrams, word
pairs one token apart (so "no ... rules" and "never ... refuses" count whatever word stands between),
and character 3-5-grams inside each word. Hashing (CRC-32 into 2^18 buckets) needs no vocabulary, and
the same `features` function serves training (scripts/train_prompt_classifier.py) and scoring, so
the two cannot drift apart. The weights ship in classifier.json: only non-zero buckets, quantised to
int8, delta-encoded and compressed, read with the standard library alone.
"""

import array
import base64
import json
import math
import re
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("classifier.json")
MODEL_FORMAT = "bastion-prompt-classifier/1"
BUCKET_BITS = 18
_MASK = (1 << BUCKET_BITS) - 1
# Long jailbreaks say what they are early and often; past this many tokens more text costs time
# without changing the verdict.
MAX_TOKENS = 1500
_TOKENS = re.compile(r"\w+|[^\w\s]")


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8", "surrogatepass")) & _MASK


@lru_cache(maxsize=65536)
def _word_features(token: str) -> tuple[int, ...]:
    padded = f" {token} "
    grams = {padded[start : start + size] for size in (3, 4, 5) for start in range(len(padded) - size + 1)}
    return (_bucket(f"w:{token}"), *(_bucket(f"c:{gram}") for gram in grams))


def features(plain: str) -> set[int]:
    """Bucket indices present in a prompt's normalised view (presence, not counts)."""
    tokens = _TOKENS.findall(plain)[:MAX_TOKENS]
    found: set[int] = set()
    for token in tokens:
        found.update(_word_features(token))
    found.update(_bucket(f"b:{first} {second}") for first, second in zip(tokens, tokens[1:], strict=False))
    found.update(_bucket(f"s:{first} {second}") for first, second in zip(tokens, tokens[2:], strict=False))
    return found


def _varints(numbers: list[int]) -> bytes:
    out = bytearray()
    for number in numbers:
        while number >= 0x80:
            out.append(number & 0x7F | 0x80)
            number >>= 7
        out.append(number)
    return bytes(out)


def _unvarints(data: bytes) -> list[int]:
    numbers, current, shift = [], 0, 0
    for byte in data:
        current |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            numbers.append(current)
            current, shift = 0, 0
    return numbers


@dataclass(frozen=True, slots=True)
class Classifier:
    bias: float
    weights: dict[int, float]

    def probability(self, plain: str) -> float:
        found = features(plain)
        if not found:
            return 1 / (1 + math.exp(-self.bias))
        # Length-normalised so a long prompt is not an attack merely for having many features.
        total = sum(self.weights.get(index, 0.0) for index in found) / math.sqrt(len(found))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, self.bias + total))))

    def to_json(self, *, metadata: dict) -> str:
        indices = sorted(index for index, weight in self.weights.items() if weight)
        scale = max((abs(self.weights[index]) for index in indices), default=1.0) / 127
        quantised = array.array("b", (max(-127, min(127, round(self.weights[i] / scale))) for i in indices))
        deltas = [index - previous for index, previous in zip(indices, [0, *indices], strict=False)]
        packed = {
            "format": MODEL_FORMAT,
            "bucket_bits": BUCKET_BITS,
            "bias": self.bias,
            "scale": scale,
            "indices": base64.b64encode(zlib.compress(_varints(deltas), 9)).decode(),
            "weights": base64.b64encode(zlib.compress(quantised.tobytes(), 9)).decode(),
            "metadata": metadata,
        }
        return json.dumps(packed, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Classifier":
        packed = json.loads(text)
        if packed.get("format") != MODEL_FORMAT or packed.get("bucket_bits") != BUCKET_BITS:
            raise ValueError(f"not a {MODEL_FORMAT} model with {BUCKET_BITS}-bit buckets")
        deltas = _unvarints(zlib.decompress(base64.b64decode(packed["indices"])))
        quantised = array.array("b", zlib.decompress(base64.b64decode(packed["weights"])))
        indices, position = [], 0
        for delta in deltas:
            position += delta
            indices.append(position)
        scale = packed["scale"]
        return cls(bias=packed["bias"], weights={i: q * scale for i, q in zip(indices, quantised, strict=True)})


@cache
def default_classifier() -> Classifier:
    return Classifier.from_json(MODEL_PATH.read_text(encoding="utf-8"))
