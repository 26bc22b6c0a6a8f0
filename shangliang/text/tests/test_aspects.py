"""The place, the thing and the complaint of a report, and how two reports agree on them."""

from shangliang.text import aspects, segment
from shangliang.text.normalize import normalize


def _of(text: str) -> aspects.Aspects:
    return aspects.of(segment.words(normalize(text)))


def test_a_place_is_its_type_with_the_name_before_it():
    # given
    words = segment.words(normalize("海景花园5栋楼道灯坏了"))
    # when
    places = {words[i] for i in aspects.place_words(words)}
    # then
    assert places == {"海景", "花园", "5", "栋"}


def test_a_word_ending_in_a_place_type_after_a_name_is_a_place_and_a_common_noun_is_not():
    # given
    words = ["南港路", "马路", "校园", "人行道"]
    # when
    places = {words[i] for i in aspects.place_words(words)}
    # then
    assert places == {"南港路"}


def test_things_and_complaints_are_told_apart():
    # given / when
    found = _of("海景花园5栋楼道灯坏了一个星期")
    # then
    assert found.places == frozenset({"海景", "花园", "5"})
    assert set(found.things) == {"~楼道灯"}
    assert "坏" in found.complaints
    assert "海景" not in found.things
    assert "海景" not in found.complaints


def test_same_place_other_thing_agrees_less_than_a_paraphrase():
    # given
    query = _of("海景花园5栋楼道灯坏了，晚上黑漆漆的")
    paraphrase = _of("5栋的声控灯不亮了，上下楼摸黑")
    other_thing = _of("海景花园5栋电梯坏了，老人下不了楼")
    # when
    thing_same, _, problem_same, _, chars_same = aspects.agreement(query, paraphrase)
    thing_other, _, problem_other, _, _ = aspects.agreement(query, other_thing)
    # then: the shared place counts for neither; the shared lamp does
    assert thing_same == 1.0
    assert thing_other == 0.0
    assert problem_same > problem_other
    assert chars_same > 0.0


def test_a_text_without_words_agrees_with_nothing():
    # given
    empty = aspects.of([])
    # when / then
    assert aspects.agreement(empty, _of("路灯不亮")) == (0.0, 0.0, 0.0, 0.0, 0.0)
