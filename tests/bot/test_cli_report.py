"""``councilbot report``: the workbook and the chart written, or one line and nothing written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from matplotlib import image
from openpyxl import load_workbook
from sqlalchemy import Engine

from bot.cli import main
from bot.outbound.report_charts import HEIGHT_PX, WIDTH_PX
from tests.factories import Factory
from tests.report_seed import seed


@pytest.fixture(autouse=True)
def cli_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COUNCILBOT_CONFIG", raising=False)
    monkeypatch.setenv("COUNCILBOT_DATABASE_URL", database_url)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_the_workbook_and_the_chart(
    capsys: pytest.CaptureFixture[str], engine: Engine, factory: Factory, tmp_path: Path
) -> None:
    seed(engine, factory)
    output, chart = tmp_path / "q4.xlsx", tmp_path / "q4.png"
    code, out, err = run(
        capsys,
        "report",
        "--council", "dbsh",
        "--period", "năm 2023",
        "--output", str(output),
        "--chart", str(chart),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.strip().startswith(f"Đã ghi {output}: 7 nhiệm vụ có hạn trong kỳ năm 2023")
    book = load_workbook(io.BytesIO(output.read_bytes()))
    assert book.sheetnames == ["Tổng hợp", "Phụ lục", "Không có hạn"]
    assert image.imread(str(chart)).shape[:2] == (HEIGHT_PX, WIDTH_PX)


def test_every_council_when_none_is_named(
    capsys: pytest.CaptureFixture[str], engine: Engine, factory: Factory, tmp_path: Path
) -> None:
    seed(engine, factory)
    output = tmp_path / "all.xlsx"
    code, out, _ = run(capsys, "report", "--period", "quý IV năm 2023", "--output", str(output))
    assert code == 0 and ": 7 nhiệm vụ có hạn trong kỳ" in out  # 6 + the other council's
    code, out, _ = run(
        capsys, "report", "--agency", "BTC", "--period", "Q4 2023", "--output", str(output)
    )
    assert code == 0 and ": 2 nhiệm vụ có hạn trong kỳ" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--period", "quý V"], "councilbot: Không đọc được kỳ báo cáo “quý V”."),
        (["--council", "XYZ"], "councilbot: Không có Hội đồng mã XYZ."),
        (["--agency", "NOPE"], "councilbot: Không có cơ quan mã NOPE."),
        (["--directive", "1/XX"], "councilbot: Không hiểu “1/XX”."),
    ],
)
def test_a_bad_period_or_code_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    engine: Engine,
    factory: Factory,
    tmp_path: Path,
    argv: list[str],
    message: str,
) -> None:
    seed(engine, factory)
    output, chart = tmp_path / "x.xlsx", tmp_path / "x.png"
    code, out, err = run(capsys, "report", *argv, "--output", str(output), "--chart", str(chart))
    assert (code, out) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1
    assert not output.exists() and not chart.exists()
