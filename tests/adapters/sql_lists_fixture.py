"""A provider database of lists whose entries name responsible persons (004 art. 44).

Three tables and a view, in the style of a market-regulation system:

- ``yzsx`` serious-dishonesty entries, naming the legal representative in the
  entry's own row, and ``yzsx_zrr`` the entry's other responsible persons;
  the view ``v_yzsx`` joins them, one row per person (an entry without
  others is one row, its person columns NULL);
- ``jyyc`` business-abnormal entries, keyed by text ids ("J9" sorts after "J10",
  "a1" after "B1");
- ``mdxx`` a list table whose type column maps to two items (and one unmapped).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.config import ResponsibleColumns, SqlSourceConfig, TableMapping
from tests.codes import org_code, person_code

metadata = MetaData()
entries = Table(
    "yzsx",
    metadata,
    Column("xh", Integer, primary_key=True),
    Column("tyshxydm", String(18), index=True),
    Column("lrsy", String(100)),
    Column("lrrq", Date),
    Column("zt", String(1)),
    Column("fddbr", String(20)),
    Column("fddbr_zjhm", String(18), index=True),
)
others = Table(
    "yzsx_zrr",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("xh", Integer, index=True),
    Column("zrlx", String(20)),
    Column("xm", String(20)),
    Column("zjhm", String(18), index=True),
)
abnormal = Table(
    "jyyc",
    metadata,
    Column("bh", String(10), primary_key=True),
    Column("dm", String(18), index=True),
    Column("lryy", String(100)),
    Column("lrrq", Date),
)
lists = Table(
    "mdxx",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dm", String(18), index=True),
    Column("lx", String(1)),
    Column("rq", Date),
)
VIEW = """
CREATE VIEW v_yzsx AS
SELECT y.xh, y.tyshxydm, y.lrsy, y.lrrq, y.zt, y.fddbr, y.fddbr_zjhm, z.zrlx, z.xm, z.zjhm
FROM yzsx y LEFT JOIN yzsx_zrr z ON z.xh = y.xh
"""

ORG_A, ORG_B, ORG_C, ORG_D = org_code(11), org_code(12), org_code(13), org_code(14)
# P4's check digit is X, which the view holds in lower case.
P1, P2, P3, P4, P5 = (
    person_code(21),
    person_code(22),
    person_code(23),
    person_code(1),
    person_code(25),
)
LEGAL, CONTROLLER, OTHER = "法定代表人", "实际控制人", "其他直接责任人"
SERIOUS, RESPONSIBLE = "SERIOUS_DISHONESTY_LIST", "SERIOUS_DISHONESTY_RESPONSIBLE"
ABNORMAL, RED, WATCH = "BUSINESS_ABNORMAL", "RED_LIST", "KEY_ATTENTION"
ORG_ITEMS = frozenset({SERIOUS, ABNORMAL, RED, WATCH})


def mappings() -> tuple[TableMapping, ...]:
    serious = TableMapping(
        name="serious",
        table="v_yzsx",
        schema=None,
        code_column="tyshxydm",
        id_column="xh",
        item=SERIOUS,
        item_column=None,
        item_values={},
        title="列入严重违法失信名单",
        title_column=None,
        occurred_column=None,
        decided_column="lrrq",
        ended_column=None,
        name_column=None,
        kind=None,
        kind_column=None,
        kind_values={},
        where="zt = '1'",
        details={"reason": "lrsy", "listed_on": "lrrq"},
        responsible=(
            ResponsibleColumns(LEGAL, None, "fddbr", "fddbr_zjhm"),
            ResponsibleColumns(None, "zrlx", "xm", "zjhm"),
        ),
        responsible_item=RESPONSIBLE,
    )
    business = TableMapping(
        name="abnormal",
        table="jyyc",
        schema=None,
        code_column="dm",
        id_column="bh",
        item=ABNORMAL,
        item_column=None,
        item_values={},
        title="列入经营异常名录",
        title_column=None,
        occurred_column=None,
        decided_column="lrrq",
        ended_column=None,
        name_column=None,
        kind=None,
        kind_column=None,
        kind_values={},
        where=None,
        details={"reason": "lryy"},
    )
    typed = TableMapping(
        name="lists",
        table="mdxx",
        schema=None,
        code_column="dm",
        id_column="id",
        item=None,
        item_column="lx",
        item_values={"1": RED, "2": WATCH},
        title=None,
        title_column=None,
        occurred_column=None,
        decided_column="rq",
        ended_column=None,
        name_column=None,
        kind=None,
        kind_column=None,
        kind_values={},
        where=None,
        details={},
    )
    return (serious, business, typed)


def source_config(url: str, name: str = "lists") -> SqlSourceConfig:
    return SqlSourceConfig(name=name, url=url, mappings=mappings())


def _entry(
    xh: int, code: str, reason: str, on: date, zt: str, name: str, id_: str | None
) -> dict[str, object]:
    return {
        "xh": xh,
        "tyshxydm": code,
        "lrsy": reason,
        "lrrq": on,
        "zt": zt,
        "fddbr": name,
        "fddbr_zjhm": id_,
    }


async def populate(engine: AsyncEngine, extra: int = 0) -> None:
    """The rows below, and ``extra`` more single-row serious entries of ORG_D."""
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(text(VIEW))
        await connection.execute(
            entries.insert(),
            [
                _entry(1, ORG_A, "拒不履行", date(2024, 1, 5), "1", "张三", P1),
                _entry(2, ORG_B, "提供虚假材料", date(2024, 2, 1), "1", "李四", P2),
                _entry(3, ORG_A, "再次失信", date(2024, 3, 1), "1", "张三", P1),
                _entry(4, ORG_C, "已撤销", date(2024, 4, 1), "0", "周九", P5),
                _entry(10, ORG_B, "名单", date(2024, 5, 1), "1", "王五", None),
            ]
            + [
                _entry(100 + i, ORG_D, f"批量{i}", date(2025, 1, 1), "1", "吴十", None)
                for i in range(extra)
            ],
        )
        await connection.execute(
            others.insert(),
            [
                {"id": 1, "xh": 1, "zrlx": CONTROLLER, "xm": "赵六", "zjhm": P3},
                {"id": 2, "xh": 1, "zrlx": OTHER, "xm": "孙七", "zjhm": P4.lower()},
                # The legal representative is also the actual controller.
                {"id": 3, "xh": 1, "zrlx": CONTROLLER, "xm": "张三", "zjhm": P1},
                {"id": 4, "xh": 2, "zrlx": CONTROLLER, "xm": "赵六", "zjhm": P3},
                {"id": 5, "xh": 4, "zrlx": CONTROLLER, "xm": "钱八", "zjhm": P5},
                # Named by role only: a party without a name or code is nobody.
                {"id": 6, "xh": 2, "zrlx": OTHER, "xm": None, "zjhm": None},
            ],
        )
        await connection.execute(
            abnormal.insert(),
            [
                {"bh": "J9", "dm": ORG_A, "lryy": "未年报", "lrrq": date(2023, 6, 1)},
                {"bh": "J10", "dm": ORG_A, "lryy": "地址失联", "lrrq": date(2023, 7, 1)},
                {"bh": "J2", "dm": ORG_B, "lryy": "未年报", "lrrq": date(2023, 6, 1)},
                {"bh": "J1", "dm": ORG_D, "lryy": "未年报", "lrrq": date(2023, 6, 1)},
                # By code point "B1" < "a1"; a case-insensitive collation says otherwise.
                {"bh": "a1", "dm": ORG_C, "lryy": "未年报", "lrrq": date(2023, 6, 1)},
                {"bh": "B1", "dm": ORG_C, "lryy": "未年报", "lrrq": date(2023, 6, 1)},
            ],
        )
        await connection.execute(
            lists.insert(),
            [
                {"id": 5, "dm": ORG_A, "lx": "1", "rq": date(2024, 1, 1)},
                {"id": 20, "dm": ORG_A, "lx": "2", "rq": date(2024, 1, 1)},
                {"id": 6, "dm": ORG_B, "lx": "2", "rq": date(2024, 1, 1)},
                {"id": 7, "dm": ORG_C, "lx": "1", "rq": date(2024, 1, 1)},
                {"id": 8, "dm": ORG_C, "lx": "9", "rq": date(2024, 1, 1)},
            ],
        )
