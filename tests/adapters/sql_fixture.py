"""A provider-unit database whose layout differs from the gateway's model.

Two tables, in the style of a provincial system: a registration table and a
penalty table whose type column maps to two catalogue items. Dates are a DATE
column in one table and 'YYYYMMDD' text in the other.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, Integer, MetaData, Numeric, String, Table
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.config import SqlSourceConfig, TableMapping
from gateway.domain import SubjectKind
from tests.codes import org_code, person_code

metadata = MetaData()
registrations = Table(
    "qy_djxx",
    metadata,
    Column("xh", Integer, primary_key=True),
    Column("tyshxydm", String(18), index=True),
    Column("qymc", String(100)),
    Column("qylx", String(2)),
    Column("fddbr", String(20)),
    Column("clrq", Date),
)
penalties = Table(
    "xzcf_xx",
    metadata,
    Column("cfid", Integer, primary_key=True),
    Column("dm", String(18), index=True),
    Column("lb", String(2)),
    Column("wfxw", String(200)),
    Column("fkje", Numeric(12, 2)),
    Column("jdrq", String(8)),
    Column("zt", String(1)),
    Column("zjxy", String(20)),  # a religion column the mapping must never expose
)

ACME, BETA, GAMMA_LP = org_code(1), org_code(2), org_code(3)
PERSON = person_code(7)
NAMES = {ACME: "杭州甲科技有限公司", BETA: "杭州乙贸易有限公司", GAMMA_LP: "杭州丙%合伙企业"}
# Records per code that populate() writes (without extra subjects): ACME's revoked
# penalty (zt = '0') and BETA's unmapped type (lb = '09') are not records.
RECORDS = {ACME: 3, BETA: 1, GAMMA_LP: 1, PERSON: 1}


def mappings() -> tuple[TableMapping, ...]:
    registration = TableMapping(
        name="reg",
        table="qy_djxx",
        schema=None,
        code_column="tyshxydm",
        id_column="xh",
        item="REG",
        item_column=None,
        item_values={},
        title="登记信息",
        title_column=None,
        occurred_column=None,
        decided_column="clrq",
        ended_column=None,
        name_column="qymc",
        kind=None,
        kind_column="qylx",
        kind_values={"10": SubjectKind.LEGAL_PERSON, "20": SubjectKind.UNINCORPORATED_ORG},
        where=None,
        details={"legal_representative": "fddbr", "established_on": "clrq"},
    )
    penalty = TableMapping(
        name="cf",
        table="xzcf_xx",
        schema=None,
        code_column="dm",
        id_column="cfid",
        item=None,
        item_column="lb",
        item_values={"01": "PENALTY", "02": "WARNING"},
        title=None,
        title_column="wfxw",
        occurred_column=None,
        decided_column="jdrq",
        ended_column=None,
        name_column=None,
        kind=None,
        kind_column=None,
        kind_values={},
        where="zt = '1'",
        details={"violation": "wfxw", "fine_amount": "fkje"},
    )
    return (registration, penalty)


def source_config(url: str, name: str = "provider") -> SqlSourceConfig:
    return SqlSourceConfig(name=name, url=url, mappings=mappings())


async def populate(engine: AsyncEngine, extra_subjects: int = 0) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(
            registrations.insert(),
            [
                {
                    "xh": 1,
                    "tyshxydm": ACME,
                    "qymc": NAMES[ACME],
                    "qylx": "10",
                    "fddbr": "张三",
                    "clrq": date(2015, 3, 2),
                },
                {
                    "xh": 2,
                    "tyshxydm": BETA,
                    "qymc": NAMES[BETA],
                    "qylx": "10",
                    "fddbr": "李四",
                    "clrq": date(2018, 7, 9),
                },
                {
                    "xh": 3,
                    "tyshxydm": GAMMA_LP,
                    "qymc": NAMES[GAMMA_LP],
                    "qylx": "20",
                    "fddbr": "王五",
                    "clrq": date(2020, 1, 6),
                },
            ]
            + [
                {
                    "xh": 100 + i,
                    "tyshxydm": org_code(100 + i),
                    "qymc": f"杭州批量{i:03d}有限公司",
                    "qylx": "10",
                    "fddbr": "赵六",
                    "clrq": date(2021, 1, 1),
                }
                for i in range(extra_subjects)
            ],
        )
        await connection.execute(
            penalties.insert(),
            [
                {
                    "cfid": 11,
                    "dm": ACME,
                    "lb": "01",
                    "wfxw": "未按规定公示年度报告",
                    "fkje": 5000,
                    "jdrq": "20240315",
                    "zt": "1",
                    "zjxy": "x",
                },
                {
                    "cfid": 12,
                    "dm": ACME,
                    "lb": "02",
                    "wfxw": "虚假宣传",
                    "fkje": None,
                    "jdrq": "20230101",
                    "zt": "1",
                    "zjxy": "x",
                },
                {
                    "cfid": 13,
                    "dm": ACME,
                    "lb": "01",
                    "wfxw": "已撤销的处罚",
                    "fkje": 100,
                    "jdrq": "20220101",
                    "zt": "0",
                    "zjxy": "x",
                },
                {
                    "cfid": 14,
                    "dm": PERSON,
                    "lb": "01",
                    "wfxw": "无证经营",
                    "fkje": 2000,
                    "jdrq": "20250601",
                    "zt": "1",
                    "zjxy": "x",
                },
                {
                    "cfid": 15,
                    "dm": BETA,
                    "lb": "09",
                    "wfxw": "unmapped type",
                    "fkje": 1,
                    "jdrq": "20250601",
                    "zt": "1",
                    "zjxy": "x",
                },
            ],
        )
