"""The intent head: query embedding -> catalogue category intents + behavioural intents.

Trained from catalogue text alone (category names, and product titles when a catalogue
has them) plus synthetic queries made from templates; no shopper query is ever used, so
an evaluation on real queries (trainer.intent_eval) is zero-shot with respect to them.

Two outputs on the L2-normalised 384-d query embedding x:
- categories: softmax(W_c x + b_c) over the catalogue's category intents;
- behaviours: sigmoid(W_b x + b_b) for browse / compare / gift / deal, which co-occur
  with a category ("cheap sofa" is a deal on sofas).
src/core/intent-head.ts runs the same forward pass (tests/golden/intent-head.json).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

BEHAVIOURS = ["browse", "compare", "gift", "deal"]
# Synthetic queries per behaviour and category.
BEHAVIOUR_EXAMPLES = 4
# Logit scale of the prototype initialisation: cosines in [-1, 1] become logits in [-10, 10].
PROTOTYPE_SCALE = 10.0

# Phrases that signal a behaviour, combined with category names into synthetic queries.
BEHAVIOUR_TEMPLATES: dict[str, list[str]] = {
    "browse": ["{} ideas", "{} inspiration", "new {}", "popular {}", "show me {}", "all {}", "{} collection",
               "trending {}", "browse {}", "latest {}"],
    "compare": ["{} vs {}", "compare {}", "which {} is best", "{} or {}", "difference between {}", "{} comparison",
                "best {} reviews", "{} versus {}", "top rated {}", "{} pros and cons"],
    "gift": ["gift {}", "{} gift", "{} for mom", "{} present", "{} for a friend", "birthday gift {}",
             "christmas present {}", "gift for dad {}", "housewarming {}", "{} gift idea"],
    "deal": ["cheap {}", "{} on sale", "{} under $50", "discount {}", "{} deal", "affordable {}", "budget {}",
             "{} clearance", "{} under 100 dollars", "best price {}"],
}
PLAIN_TEMPLATES = ["{}", "{}", "buy {}", "{} for home", "modern {}", "small {}", "large {}", "white {}", "black {}",
                   "wood {}", "{} set", "outdoor {}", "grey {}", "{} for bedroom", "{} for living room", "blue {}"]


def singular(phrase: str) -> str:
    words = phrase.split()
    last = words[-1]
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("ches", "shes", "sses", "xes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return " ".join([*words[:-1], last])


def name_variants(name: str) -> list[str]:
    """'Coffee & Cocktail Tables' -> coffee & cocktail tables, coffee tables, cocktail tables, coffee table, ..."""
    base = re.sub(r"\s+", " ", name.replace("/", " ").replace(",", " ")).strip().lower()
    parts = [p.strip() for p in re.split(r"\s(?:&|and|or)\s", base) if p.strip()]
    variants = [base]
    if len(parts) > 1:
        head_noun = parts[-1].split()[-1]
        # "coffee & cocktail tables": the shared noun belongs to every part.
        variants += [p if len(p.split()) > 1 or p == head_noun else f"{p} {head_noun}" for p in parts]
    variants += [singular(v) for v in list(variants)]
    return list(dict.fromkeys(variants))


@dataclass(frozen=True)
class TrainingSet:
    texts: list[str]
    categories: npt.NDArray[np.int64]  # -1 where a text names no category
    behaviours: npt.NDArray[np.float32]  # [n, len(BEHAVIOURS)] multi-hot


def build_training_set(categories: Sequence[str], extra: dict[int, list[str]] | None = None,
                       seed: int = 0) -> TrainingSet:
    """Synthetic queries from category names (and optional catalogue texts per category)."""
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    labels: list[int] = []
    behaviour_rows: list[list[float]] = []
    for index, name in enumerate(categories):
        variants = name_variants(name)
        phrases = [template.format(rng.choice(variants)) for template in PLAIN_TEMPLATES]
        phrases += (extra or {}).get(index, [])
        for phrase in phrases:
            texts.append(phrase)
            labels.append(index)
            behaviour_rows.append([0.0] * len(BEHAVIOURS))
        for b, behaviour in enumerate(BEHAVIOURS):
            for template in rng.choice(BEHAVIOUR_TEMPLATES[behaviour], size=BEHAVIOUR_EXAMPLES, replace=False):
                fillers = [str(rng.choice(variants)) for _ in range(template.count("{}"))]
                texts.append(template.format(*fillers))
                labels.append(index)
                row = [0.0] * len(BEHAVIOURS)
                row[b] = 1.0
                behaviour_rows.append(row)
    return TrainingSet(texts, np.array(labels, dtype=np.int64), np.array(behaviour_rows, dtype=np.float32))


class IntentHead(nn.Module):
    def __init__(self, dims: int, categories: int) -> None:
        super().__init__()
        self.categories = nn.Linear(dims, categories)
        self.behaviours = nn.Linear(dims, len(BEHAVIOURS))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.categories(x), self.behaviours(x)


Embed = Callable[[list[str]], npt.NDArray[np.float32]]


def train_intent_head(embed: Embed, categories: Sequence[str], extra: dict[int, list[str]] | None = None,
                      epochs: int = 100, seed: int = 0) -> IntentHead:
    torch.manual_seed(seed)
    data = build_training_set(categories, extra, seed)
    x = torch.from_numpy(embed(data.texts))
    y = torch.from_numpy(data.categories)
    z = torch.from_numpy(data.behaviours)
    head = IntentHead(x.shape[1], len(categories))
    # Start from prototypes (the mean embedding of each category's name variants), so the
    # head begins as nearest-name matching and training only has to improve on it.
    prototypes = np.stack([embed(name_variants(name)).mean(axis=0) for name in categories])
    prototypes /= np.linalg.norm(prototypes, axis=1, keepdims=True)
    with torch.no_grad():
        head.categories.weight.copy_(torch.from_numpy(prototypes) * PROTOTYPE_SCALE)
        head.categories.bias.zero_()
    # Each behaviour marks a few texts among many: weigh positives up so that a clear
    # "cheap …" or "gift for …" reads as more likely than not.
    positives = z.sum(dim=0).clamp(min=1.0)
    pos_weight = (z.shape[0] - positives) / positives
    optimiser = torch.optim.Adam(head.parameters(), lr=0.01)
    for _ in range(epochs):
        optimiser.zero_grad()
        logits, behaviour_logits = head(x)
        loss = nn.functional.cross_entropy(logits, y, label_smoothing=0.05)
        loss = loss + nn.functional.binary_cross_entropy_with_logits(behaviour_logits, z, pos_weight=pos_weight)
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
    return head.eval()


def encode_float32(values: npt.NDArray[np.float32]) -> str:
    """Little-endian float32 bytes as base64: exact, and a quarter the size of JSON numbers."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode("ascii")


def export_head(head: IntentHead, categories: Sequence[str], path: Path) -> None:
    """JSON the browser reads (src/core/intent-head.ts): names plus row-major weights."""
    def layer(linear: nn.Linear) -> dict[str, Any]:
        weight = linear.weight.detach().numpy()
        return {"rows": weight.shape[0], "cols": weight.shape[1],
                "weight": encode_float32(weight), "bias": encode_float32(linear.bias.detach().numpy())}

    path.write_text(json.dumps({"format": 1, "categories": list(categories), "behaviours": BEHAVIOURS,
                                "category_layer": layer(head.categories), "behaviour_layer": layer(head.behaviours)}))


def top_k_accuracy(scores: npt.NDArray[np.float32], labels: npt.NDArray[np.int64], k: int) -> float:
    top = np.argsort(-scores, axis=1)[:, :k]
    return float((top == labels[:, None]).any(axis=1).mean())


def read_head(path: Path) -> tuple[list[str], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The inverse of export_head for the category layer: names, weight [categories, dims], bias."""
    exported = json.loads(path.read_text())
    if exported.get("format") != 1:
        raise ValueError(f"{path}: unsupported intent head format {exported.get('format')!r}")
    layer = exported["category_layer"]

    def decode(values: str, *shape: int) -> npt.NDArray[np.float32]:
        return np.frombuffer(base64.b64decode(values), dtype="<f4").reshape(shape).astype(np.float32)

    weight = decode(layer["weight"], layer["rows"], layer["cols"])
    return list(exported["categories"]), weight, decode(layer["bias"], layer["rows"])
