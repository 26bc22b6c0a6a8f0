"""The pair model on fixed samples: place marks, features, fitting and calibration."""

import dataclasses

from shangliang.text import pairs
from shangliang.text.normalize import normalize


def test_place_marks_unify_building_spellings():
    # given
    texts = ["海景花园5栋电梯坏了", "海景花园五栋电梯", "海景花园五幢", "海景花园5号楼", "金沙花园B座水压低"]
    # when
    marks = [pairs.place_marks(normalize(t)) for t in texts]
    # then
    assert marks[:4] == [frozenset({"5栋"})] * 4
    assert marks[4] == frozenset({"b栋"})


def test_place_marks_of_lanes_and_units():
    # given / when
    marks = pairs.place_marks(normalize("北湾二巷3单元门口"))
    # then
    assert marks == frozenset({"2巷", "3单元"})


def test_features_mark_a_place_conflict_and_an_agreement():
    # given
    common = {"score": 0.3, "word_cosine": 0.4, "bigram_dice": 0.2, "category_agreement": 0.8}
    # when
    conflict = pairs.features(
        **common,
        query_marks=frozenset({"5栋"}),
        candidate_marks=frozenset({"3栋"}),
        rank=0,
        best=0.3,
        next_score=0.1,
    )
    agree = pairs.features(
        **common,
        query_marks=frozenset({"5栋"}),
        candidate_marks=frozenset({"5栋", "2单元"}),
        rank=1,
        best=0.6,
        next_score=0.0,
    )
    # then
    names = pairs.FEATURES
    assert conflict[names.index("place_conflict")] == 1.0
    assert conflict[names.index("is_first")] == 1.0
    assert agree[names.index("place_agreement")] == 1.0
    assert agree[names.index("share_of_best")] == 0.5


def test_default_model_prefers_same_place_same_problem():
    # given
    same = [0.35, 0.45, 0.25, 0.8, 0.0, 1.0, 1.0, 1.0, 0.15, 0.5, 0.0, 0.2, 0.0, 0.0, 0.5, 0.2, 0.4, 0.3, 0.4]
    other_building = [
        0.35,
        0.45,
        0.25,
        0.8,
        1.0,
        0.0,
        1.0,
        1.0,
        0.15,
        0.5,
        0.0,
        0.2,
        0.0,
        0.0,
        0.5,
        0.2,
        0.4,
        0.3,
        0.4,
    ]
    other_thing = [
        0.35,
        0.45,
        0.25,
        0.8,
        0.0,
        1.0,
        1.0,
        1.0,
        0.15,
        0.5,
        0.0,
        0.2,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.1,
    ]
    # when / then
    assert pairs.DEFAULT.probability(same) > pairs.DEFAULT.probability(other_building)
    assert pairs.DEFAULT.probability(same) > pairs.DEFAULT.probability(other_thing)


def test_fit_separates_and_calibrates():
    # given: positives have high word cosine, negatives low
    samples = [[0.1 * i, 0.1 * i, *[0] * (len(pairs.FEATURES) - 2)] for i in range(10)] * 3
    labels = [i >= 6 for i in range(10)] * 3
    # when
    model = pairs.train(samples, labels)
    # then
    assert model.probability(samples[9]) > 0.8 > 0.2 > model.probability(samples[0])
    assert model.pairs == 30
    assert pairs.LIKELY_FLOOR <= model.likely <= pairs.LIKELY_CEILING
    assert model.level(0.99) == "likely"
    assert model.level(0.0) == ""


def test_payload_round_trip():
    # given / when
    again = pairs.PairModel.from_payload(pairs.DEFAULT.to_payload())
    # then
    assert again == pairs.DEFAULT


def test_train_with_folds_calibrates_on_out_of_fold_pairs():
    # given: the same separable pairs in four folds
    samples = [[0.1 * i, 0.1 * i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] for i in range(10)] * 4
    labels = [i >= 6 for i in range(10)] * 4
    folds = [n // 10 for n in range(40)]
    # when
    model = pairs.train(samples, labels, folds=folds)
    probabilities = pairs.out_of_fold(samples, labels, folds)
    # then
    assert model.pairs == 40
    assert pairs.LIKELY_FLOOR <= model.likely <= pairs.LIKELY_CEILING
    assert min(p for p, y in zip(probabilities, labels, strict=True) if y) > max(
        p for p, y in zip(probabilities, labels, strict=True) if not y
    )


def test_calibrate_likely_on_expected_precision():
    # given: the mean probability of the pairs above 0.8 is 0.9, above 0.7 it is 0.85
    probabilities = [1.0, 0.9, 0.8, 0.7, 0.6]
    labels = [True, True, False, True, False]
    # when
    likely, possible = pairs.calibrate(probabilities, labels, precision=0.9)
    # then
    assert likely == 0.8
    assert possible == 0.6


def test_links_join_words_of_paraphrases_and_not_words_of_every_complaint():
    # given: three problems each reported as 停电 on one side and 跳闸 on the other, and pairs
    # kept apart that share only the filler 麻烦
    same = [
        (frozenset({"停电", "麻烦"}), frozenset({"跳闸", "麻烦", f"{n}栋"}), True, f"p{n}") for n in range(3)
    ]
    apart = [(frozenset({"停电", "麻烦"}), frozenset({"漏水", "麻烦"}), False, f"q{n}") for n in range(3)]
    apart += [(frozenset({"噪音", "麻烦"}), frozenset({"漏水"}), False, f"r{n}") for n in range(3)]
    # when
    links = pairs.learn_links(same + apart)
    conflicts = pairs.learn_links(same + apart, apart=True)
    # then
    assert links["停电"]["跳闸"] == links["跳闸"]["停电"]
    assert links["停电"]["跳闸"] == 0.4286  # (3 + 4/3) / (3 + 4) against a base rate of 1/3
    assert "麻烦" not in links
    assert conflicts["停电"]["漏水"] == 0.4286
    query = frozenset({"停电"})
    assert pairs.link_strength(pairs.linked(links, query), query, ["跳闸", "3栋"]) == links["停电"]["跳闸"]
    assert pairs.link_strength({}, query, ["跳闸"]) == 0.0


def test_links_travel_with_the_model():
    # given
    model = dataclasses.replace(
        pairs.DEFAULT, links={"停电": {"跳闸": 0.8}}, conflicts={"榕荫里": {"蚝壳巷": 0.9}}
    )
    # when
    again = pairs.PairModel.from_payload(model.to_payload())
    # then
    assert (again.links, again.conflicts) == ({"停电": {"跳闸": 0.8}}, {"榕荫里": {"蚝壳巷": 0.9}})
