"""A provider table whose columns have every type a detail comes from.

Tax arrears with an INTEGER year, a whole NUMERIC(4) year, a DECIMAL amount, a
DATETIME and a DATE, text and a NULL. Mapped after the two tables of
:mod:`tests.adapters.sql_fixture`, it is the third branch of the source's UNION
ALL: PostgreSQL types that branch's slots right only because the statement
opens with its typing branch.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, Numeric, String, Table
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.config import TableMapping
from gateway.config.catalogue import DetailField
from gateway.domain import DetailType
from tests.adapters.sql_fixture import ACME

metadata = MetaData()
arrears = Table(
    "qs_xx",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dm", String(18), index=True),
    Column("szmc", String(20)),
    Column("qsje", Numeric(12, 2)),
    Column("ssnd", Integer),
    Column("pjnd", Numeric(4, 0)),
    Column("rdsj", DateTime),
    Column("jqrq", Date),
    Column("bz", String(50)),
)

AMOUNT = Decimal("12345.75")  # exact in binary, so a float of it compares equal
YEAR = 2025
RECOGNISED_AT = datetime(2025, 4, 1, 9, 30)
PAID_ON = date(2025, 6, 30)

MAPPING = TableMapping(
    name="qs",
    table="qs_xx",
    schema=None,
    code_column="dm",
    id_column="id",
    item="TAX_ARREARS",
    item_column=None,
    item_values={},
    title="欠税",
    title_column=None,
    occurred_column="rdsj",
    decided_column=None,
    ended_column="jqrq",
    name_column=None,
    kind=None,
    kind_column=None,
    kind_values={},
    where=None,
    details={
        "tax_type": "szmc",
        "arrears_amount": "qsje",
        "tax_year": "ssnd",
        "evaluation_year": "pjnd",
        "recognised_on": "rdsj",
        "paid_on": "jqrq",
        "remark": "bz",
    },
)

# The catalogue's declared types for those details.
FIELDS = (
    DetailField("tax_type", "税种", DetailType.TEXT),
    DetailField("arrears_amount", "欠税金额", DetailType.MONEY),
    DetailField("tax_year", "所属年度", DetailType.NUMBER),
    DetailField("evaluation_year", "评价年度", DetailType.NUMBER),
    DetailField("recognised_on", "认定日期", DetailType.DATE),
    DetailField("paid_on", "缴清日期", DetailType.DATE),
    DetailField("remark", "备注", DetailType.TEXT),
)


async def populate(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(
            arrears.insert(),
            [
                {
                    "id": 21,
                    "dm": ACME,
                    "szmc": "增值税",
                    "qsje": AMOUNT,
                    "ssnd": YEAR,
                    "pjnd": Decimal(YEAR),
                    "rdsj": RECOGNISED_AT,
                    "jqrq": PAID_ON,
                    "bz": None,
                }
            ],
        )
