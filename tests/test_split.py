from bot.domain.rendering import split_lines


def test_split_keeps_lines_whole_and_under_the_limit() -> None:
    lines = [f"{i}. " + "chỉ tiêu " * 20 for i in range(200)]
    pages = split_lines(lines, limit=4096)
    assert len(pages) > 1 and all(len(page) <= 4096 for page in pages)
    assert "\n".join(pages).splitlines() == lines


def test_a_single_overlong_line_is_cut_not_lost() -> None:
    pages = split_lines(["x" * 5000, "ok"], limit=4096)
    assert len(pages[0]) == 4096 and pages[0].endswith("…") and pages[1] == "ok"
