"""The story rule's two ways of scoring pairs and counting candidates agree to the bit."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

from briefing.compare import story_scoring
from briefing.compare.story_candidates import count_shared, count_shared_numpy
from briefing.compare.story_scoring import Vectors, pair_similarities, similarities

_WORDS = [f"term{i:03}" for i in range(250)]


def _vectors(rng: random.Random) -> Vectors:
    text = {w: rng.random() for w in rng.sample(_WORDS, rng.randint(0, 50))}
    title = {w: rng.random() for w in rng.sample(sorted(text), min(4, len(text)))}
    published = None if rng.random() < 0.2 else date.fromordinal(738000 + rng.randint(0, 500))
    return Vectors(text, title, published)


def test_the_numpy_scores_are_the_plain_loops_to_the_bit_either_way_round() -> None:
    rng = random.Random(7)
    vectors = [_vectors(rng) for _ in range(150)]
    left = [rng.randrange(150) for _ in range(2 * story_scoring.NUMPY_PAIRS)]
    right = [rng.randrange(150) for _ in left]
    plain = [similarities(vectors[a], (vectors[b],))[0] for a, b in zip(left, right, strict=True)]
    assert pair_similarities(vectors, left, right) == plain
    assert pair_similarities(vectors, right, left) == plain
    assert any(s > 0 for s in plain) and any(vectors[a].published is None for a in left)


def test_a_far_apart_pair_fades_and_an_undated_one_counts_less() -> None:
    text = {"harbour": 0.8, "crane": 0.6}
    near = Vectors(text, {"harbour": 1.0}, date(2021, 3, 1))
    same_week = Vectors(text, {"harbour": 1.0}, date(2021, 3, 5))
    months_later = Vectors(text, {"harbour": 1.0}, date(2021, 9, 1))
    undated = Vectors(text, {"harbour": 1.0}, None)
    week, later, unknown = similarities(near, [same_week, months_later, undated])
    assert abs(week - 1.0) < 1e-12
    assert later < unknown < week


def test_the_numpy_candidates_are_the_plain_loops() -> None:
    rng = random.Random(11)
    rows = [
        (wid, aid, rng.choice((0, 0, 1, 2)))
        for wid in range(300)
        for aid in rng.sample(range(1, 400), rng.randint(1, 30))
    ]
    rng.shuffle(rows)
    posted: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for wid, aid, rank in rows:
        posted[wid].append((aid, rank))
    own = {
        aid: [(wid, rng.choice((0, 1, 2))) for wid in rng.sample(range(320), 25)]
        for aid in rng.sample(range(1, 400), 60)
    }
    plain = count_shared(own, posted)
    assert count_shared_numpy(own, rows) == plain
    assert sum(map(len, plain.values())) > 100
