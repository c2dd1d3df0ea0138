"""Synthetic load-test data: many customers and requirements, loaded with PostgreSQL COPY.

Rows are generated in Python, with scores from requirements.scoring (the model in force) and
search vectors equal to what the services store (`to_tsvector('simple', document(...))`), and
streamed into the real tables in batches with COPY while the next batch is being generated.
Numbers continue the per-year counters in core_counter, advanced in the same transaction, so
numbers the services hand out later never collide. It all runs in one transaction: a failure
leaves nothing behind.
"""

import bisect
import functools
import io
import itertools
import random
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.utils import timezone

from customers.models import Customer
from reqhub.accounts.models import User

from . import access, scoring, search, sla
from .models import Requirement, RequirementRank
from .workflow import Status

T = TypeVar("T")

TZ = ZoneInfo("Asia/Shanghai")
SPAN = timedelta(days=730)
BATCH = 50_000
# From this many requirements on, indexes are dropped for the load and built again afterwards.
REBUILD_FROM = 20_000
# Distinct texts (title, description, background, evidence) the synthetic requirements share.
TEXTS = 50_000
# Every synthetic requirement shares this access code (only its keyed hash is stored); it lets
# load tests exercise the public status look-up. Never run the bulk seeder on real data.
ACCESS_CODE = "BulkSeed2345"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BulkResult:
    customers: int
    requirements: int
    seconds: float


# ---- Text fragments ----------------------------------------------------------------------------

REGIONS = [
    "北京", "上海", "广州", "深圳", "杭州", "苏州", "南京", "无锡", "宁波", "成都", "重庆", "武汉",
    "西安", "天津", "郑州", "长沙", "合肥", "青岛", "济南", "厦门", "福州", "东莞", "佛山", "昆明",
]  # fmt: skip
BRAND_HEADS = list("星云华鼎汇博启恒瑞泰安康盛达宏远新科金通信诚天正中联创嘉明航")
BRAND_TAILS = list("辰帆通盛源达信和科瑞泰宇翔越拓远峰昇创聚航迅驰展腾睿益祥隆")
# industry -> (business words in the name, main business lines)
INDUSTRIES: dict[str, tuple[list[str], list[str]]] = {
    "internet": (["网络科技", "信息技术", "软件", "数字科技"],
                 ["SaaS 协同办公", "电商平台", "企业数据中台", "在线营销服务"]),
    "manufacturing": (["精密制造", "机械装备", "新材料科技", "电子科技", "智能装备"],
                      ["精密零部件加工", "工业设备制造", "电子元器件", "环保包装材料"]),
    "retail": (["商贸", "连锁超市", "百货", "电子商务"],
               ["社区连锁零售", "百货与电商", "生鲜配送", "品牌专卖"]),
    "finance": (["金融服务", "融资租赁", "保险经纪", "投资管理"],
                ["供应链金融", "保险经纪", "融资租赁", "财富管理"]),
    "healthcare": (["医疗科技", "医疗器械", "健康管理", "生物科技"],
                   ["连锁专科医院", "医疗器械流通", "体检与健康管理", "医药研发"]),
    "education": (["教育科技", "文化传播", "职业培训"],
                  ["K12 在线教育", "职业技能培训", "企业内训", "教育信息化"]),
    "logistics": (["物流", "供应链管理", "货运代理"],
                  ["城配与仓储", "冷链运输", "跨境物流", "供应链管理"]),
    "energy": (["能源科技", "新能源", "电力工程"],
               ["光伏电站运维", "储能系统", "电力工程施工", "综合能源服务"]),
}  # fmt: skip
COMPANY_FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"]

LEADS = ["希望", "需要", "建议", "要求", "客户希望", ""]
SUBJECTS = [
    "生产数据", "报表", "审批流", "库存数据", "订单", "客户档案", "移动端", "权限管理",
    "消息通知", "数据看板", "API接口", "采购单", "财务凭证", "设备台账", "工单", "质检记录",
    "会员积分", "物流轨迹", "合同", "发票",
]  # fmt: skip
FEATURES = [
    "能实时同步到ERP系统", "支持Excel导出", "支持自定义字段", "支持批量导入", "开放API接口",
    "支持实时数据监控", "增加按部门筛选", "支持移动端签批", "对接企业微信", "对接钉钉",
    "支持多级审批", "增加异常预警", "提升查询速度", "支持定时推送", "支持历史版本对比",
    "支持按月汇总", "增加操作日志", "支持二维码扫码录入", "适配现有ERP系统", "支持多语言",
    "能自动生成周报", "支持离线填报", "增加数据权限控制", "支持与MES系统对接", "页面加载更快",
]  # fmt: skip
SCENARIOS = [
    "月末结账时财务需要汇总各部门数据", "车间班组长每天手工登记设备运行数据",
    "销售在外拜访时需要查看客户历史订单", "仓库每周盘点需要与系统数据核对",
    "管理层每周例会需要查看经营指标", "客服接到投诉后需要追踪处理进度",
    "采购每月根据库存制定采购计划", "质检人员在产线上记录检验结果",
    "区域经理需要对比各门店的销售情况", "项目经理需要跟踪多个项目的交付节点",
    "人事每月统计考勤和加班数据", "运维人员夜间需要及时发现系统异常",
    "业务员需要把客户资料同步到CRM", "总部需要汇总各分公司的报表", "审批人经常出差不在办公室",
]  # fmt: skip
PAINS = [
    "目前依赖人工录入，错误率高", "数据延迟严重，影响决策", "导出后还要手工整理格式",
    "多个系统之间数据不一致", "流程卡在某一环节无人知晓", "查询一次要等好几分钟",
    "只能在电脑上操作，很不方便", "缺少权限控制，数据容易泄露", "每次都要找IT同事帮忙",
    "历史数据无法追溯", "通知不及时，经常错过处理时限", "现有字段无法满足业务需要",
    "系统操作步骤太多", "报表口径和财务不一致", "对接需要重复开发",
]  # fmt: skip
EXPECTS = [
    "希望减少人工录入错误", "希望数据能自动推送到相关系统", "希望一键生成所需报表",
    "希望关键指标异常时自动提醒", "希望处理效率提升一半以上", "希望随时随地都能处理",
    "希望按角色控制可见范围", "希望业务人员自己就能配置", "希望保留完整的操作记录",
    "希望与现有系统无缝衔接", "希望降低运维成本", "希望支持更多自定义选项",
]  # fmt: skip
TRIGGERS = [
    "月度盘点时数据延迟严重，影响财务核算", "上季度审计发现数据前后不一致",
    "竞品已上线同类功能，客户多次提及", "客户新上线了ERP系统", "客户业务量增长了一倍",
    "客户高层在季度回访中提出", "近期多次因为漏看通知被投诉", "客户准备扩大使用范围到全集团",
    "客户在续约谈判中提出", "新的行业监管要求即将实施", "客户内部正在推进数字化转型",
    "客户反馈现有流程拖慢了交付",
]  # fmt: skip
URGENCIES = [
    "本月内需要给出方案", "下季度前上线即可", "不急，可纳入后续迭代", "影响日常运营，较为紧急",
    "续约前必须解决", "希望年底前完成",
]  # fmt: skip
QUOTES = [
    "“每天都要手工导一遍数据，太麻烦了。”", "“这个功能竞品早就有了。”",
    "“能不能像手机银行一样随时看？”", "“报表格式每次都要重新调整。”",
    "“我们老板每周都要看这个数。”", "“数据对不上，财务天天找我们。”",
    "“审批一卡就是好几天。”", "“希望你们尽快给个方案。”", "",
]  # fmt: skip
SATISFACTION_COMMENTS = ["", "", "响应及时，效果不错", "基本满足需求", "上线比预期晚", "很满意"]


def _check_fragments() -> None:
    # The COPY text format needs these escaped; the fragments simply never contain them.
    texts = [*REGIONS, *BRAND_HEADS, *BRAND_TAILS, *COMPANY_FORMS, *LEADS, *SUBJECTS, *FEATURES,
             *SCENARIOS, *PAINS, *EXPECTS, *TRIGGERS, *URGENCIES, *QUOTES,
             *SATISFACTION_COMMENTS]  # fmt: skip
    for names, lines in INDUSTRIES.values():
        texts += names + lines
    bad = [t for t in texts if any(c in t for c in "\t\n\r\\")]
    if bad:
        raise ValueError(f"Fragments unsafe for COPY: {bad}")


_check_fragments()

# ---- Distributions -----------------------------------------------------------------------------

# A pool that has been running for two years: most requirements are screened, many delivered.
STATUS_WEIGHTS: dict[Status, int] = {
    Status.NEW: 18, Status.NEEDS_INFO: 5, Status.NOT_STARTED: 14, Status.IN_PROGRESS: 14,
    Status.TESTING: 6, Status.AWAITING_ACCEPTANCE: 5, Status.DONE: 24, Status.MERGED: 4,
    Status.OUT_OF_SCOPE: 5, Status.REJECTED: 5,
}  # fmt: skip
_STATUSES = [s.value for s in STATUS_WEIGHTS]
_STATUS_CUM = list(itertools.accumulate(STATUS_WEIGHTS.values()))
# Moves from `new` each status took at least (for the version counter).
_STEPS: dict[str, int] = {
    Status.NEW: 0, Status.NEEDS_INFO: 1, Status.NOT_STARTED: 1, Status.IN_PROGRESS: 2,
    Status.TESTING: 3, Status.AWAITING_ACCEPTANCE: 4, Status.DONE: 5, Status.MERGED: 1,
    Status.OUT_OF_SCOPE: 1, Status.REJECTED: 1,
}  # fmt: skip
_DELIVERING = {"in_progress", "testing", "awaiting_acceptance", "done"}
_ACCEPTED = {"not_started", *_DELIVERING}
CHANNELS = [
    "interview", "questionnaire", "support_ticket", "sales_visit", "usage_data",
    "competitor_analysis", "complaint", "api",
]  # fmt: skip
CATEGORIES = ["functional"] * 5 + ["business"] * 2 + ["experience"] * 2 + ["service", "price"]
TYPES = ["function"] * 6 + ["service"] * 2 + ["sales", "custom"]
URGENCY_CLASSES = ["urgent", "normal", "normal", "normal", "deferrable"]
INDUSTRY_KEYS = list(INDUSTRIES)
SIZES = ["1-49", "50-99", "100-499", "500-999", "1000+"]
REVENUES = ["<10m", "10m-100m", "100m-1b", ">1b", ""]
LIFECYCLES = ["active"] * 6 + ["potential"] * 2 + ["churn_risk", "lost"]
TIERS = ["high", "medium", "medium", "low", "low"]
PREFERENCES = ["online", "offline", "phone", "email", "chat", ""]


# Asia/Shanghai has kept UTC+8 all year since 1991, so a local day is a plain division.
_UTC_OFFSET = 8 * 3600
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@functools.cache
def _day(epoch_day: int) -> str:
    return date.fromordinal(_EPOCH_ORDINAL + epoch_day).isoformat()


@functools.cache
def _plan_due_days(epoch_day: int) -> int:
    """Calendar days from a local day to its technical-plan deadline (3 working days later)."""
    day = date.fromordinal(_EPOCH_ORDINAL + epoch_day)
    start = datetime(day.year, day.month, day.day, tzinfo=TZ)
    return (sla.plan_due(start).date() - day).days


def _null(value: object) -> str:
    return "\\N" if value is None else str(value)


# ---- Customers ---------------------------------------------------------------------------------

_CUSTOMER_COLUMNS = [
    "id", "created_at", "updated_at", "code", "name", "industry", "size", "revenue_band",
    "region", "founded", "main_business", "first_cooperation_on", "products_bought",
    "purchase_amount_6m", "usage_per_month", "satisfaction", "channel_preference", "lifecycle",
    "value_tier", "notes", "version", "owner_id",
]  # fmt: skip


def _customer_rows(
    rng: random.Random, first_id: int, times: Sequence[float], codes: Sequence[str],
    owners: Sequence[int],
) -> Iterator[str]:  # fmt: skip
    for i, (t, code) in enumerate(zip(times, codes, strict=True)):
        created = datetime.fromtimestamp(t, UTC)
        industry = rng.choice(INDUSTRY_KEYS)
        names, lines = INDUSTRIES[industry]
        region = rng.choice(REGIONS)
        name = (region + rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS) + rng.choice(names)
                + rng.choice(COMPANY_FORMS))  # fmt: skip
        tier = rng.choice(TIERS)
        amount = {"high": 200_000, "medium": 60_000, "low": 8_000}[tier] + rng.randrange(
            0, 20_000, 500
        )
        fields: list[object] = [
            first_id + i, created, created, code, name, industry, rng.choice(SIZES),
            rng.choice(REVENUES), region, rng.randint(1985, 2022), rng.choice(lines),
            created.astimezone(TZ).date(), "", f"{amount}.00", rng.randint(1, 60),
            rng.choice([None, 2, 3, 4, 4, 5]), rng.choice(PREFERENCES), rng.choice(LIFECYCLES),
            tier, "", 1, owners[i % len(owners)],
        ]  # fmt: skip
        yield "\t".join(map(_null, fields)) + "\n"


# ---- Requirements ------------------------------------------------------------------------------

_REQUIREMENT_COLUMNS = [
    "id", "created_at", "updated_at", "number", "customer_id", "channel", "title",
    "description", "background", "evidence", "category", "nature", "type", "importance",
    "urgency", "customer_value", "difficulty", "urgency_class", "response_due_at",
    "first_response_at", "sla_paused_at", "plan_due_at", "plan_submitted_at",
    "status", "owner_id", "planned_completion", "merged_into_id", "access_code_hash",
    "satisfaction", "satisfaction_comment", "created_by_id", "version", "search",
]  # fmt: skip
_RANK_COLUMNS = ["requirement_id", "inputs_key", "score", "priority", "quadrant", "status"]


@functools.cache
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(search.tokens(text))


def search_vector(*texts: str) -> str:
    """`to_tsvector('simple', search.document(*texts))` as tsvector input, in canonical form.

    Built here rather than in the database: to_tsvector, or parsing lexemes out of order,
    costs PostgreSQL more than all the rest of a row. Canonical means each lexeme once, with
    all its positions, in byte order (Python orders str by code point, which for UTF-8 is the
    same). tests/requirements/test_seed.py checks it equals what to_tsvector makes.
    """
    positions: dict[str, list[int]] = {}
    at = 0
    for text in texts:
        for token in _tokens(text):
            at += 1
            found = positions.get(token)
            if found is None:
                positions[token] = [at]
            else:
                found.append(at)
    return " ".join(
        f"{token}:{','.join(map(str, found))}" for token, found in sorted(positions.items())
    )


@dataclass(frozen=True)
class _Staff:
    # User ids, as COPY text: who logs requirements (sales reps, customer success, product);
    # who owns a requirement of each routing type once it is accepted.
    creators: Sequence[str]
    owners: Mapping[str, str]


def _ts(t: float | None) -> str:
    return "\\N" if t is None else time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(t))


class _RequirementMaker:
    """Builds requirement rows; written for speed (plain strings, few calls)."""

    def __init__(
        self, rng: random.Random, staff: _Staff, now: float, code_hash: str, texts: int
    ) -> None:
        self.random = rng.random
        self.staff = staff
        self.now = now
        self.code_hash = code_hash
        self.scores = scoring.score_table(scoring.weights_current())
        self.last_open: dict[int, int] = {}  # customer id -> its latest requirement not merged
        # Title, description, background and evidence (as COPY text) with their search vector.
        # Each is computed once and shared by several rows, as similar requests are in a real
        # pool: building a search vector costs more than all the rest of a row.
        self.texts = [self._texts(rng) for _ in range(texts)]

    @staticmethod
    def _texts(rng: random.Random) -> tuple[str, str]:
        pick = rng.choice
        title = pick(LEADS) + pick(SUBJECTS) + pick(FEATURES)
        description = f"{pick(SCENARIOS)}，{pick(PAINS)}，{pick(EXPECTS)}。"
        background = f"{pick(TRIGGERS)}；{pick(URGENCIES)}。"
        evidence = pick(QUOTES)
        vector = search_vector(title, description, background, evidence)
        return "\t".join((title, description, background, evidence)), vector

    def pick(self, seq: Sequence[str]) -> str:
        return seq[int(self.random() * len(seq))]

    def line(self, req_id: int, number: str, customer_id: int, created: float) -> tuple[str, str]:
        """COPY lines (text format) of a requirement and of its rank; its fields follow from its
        status."""
        rnd, pick, now = self.random, self.pick, self.now
        status = _STATUSES[bisect.bisect_right(_STATUS_CUM, rnd() * _STATUS_CUM[-1])]
        merged_into = None
        if status == "merged":
            merged_into = self.last_open.get(customer_id)
            if merged_into is None:
                status = "new"
        if status != "merged":
            self.last_open[customer_id] = req_id
        inputs = (int(rnd() * 5) + 1, int(rnd() * 5) + 1, int(rnd() * 5) + 1, int(rnd() * 5) + 1)
        scored = self.scores[inputs]
        score, priority, quadrant = str(scored.score), scored.priority.value, scored.quadrant.value
        urgency_class = pick(URGENCY_CLASSES)
        window = _WINDOWS.get(urgency_class)
        age = now - created
        first_response = sla_paused = plan_due = plan_submitted = None
        if status != "new":
            # Mostly answered within the response window, some late.
            first_response = created + min(age, (0.05 + rnd() * 1.25) * (window or 259_200.0))
        if status == "needs_info":
            sla_paused = first_response
        if priority == "high":
            plan_due = created + _plan_due_days(int((created + _UTC_OFFSET) // 86_400)) * 86_400.0
            if status in _DELIVERING:
                plan_submitted = min(now, created + (0.3 + rnd() * 0.9) * (plan_due - created))
        type_ = pick(TYPES)
        owner = planned = "\\N"
        if status in _ACCEPTED:
            owner = self.staff.owners[type_]
            planned = _day(int((created + _UTC_OFFSET) // 86_400) + 20 + int(rnd() * 100))
        satisfaction, comment = "\\N", ""
        if status == "done" and rnd() < 0.6:
            satisfaction, comment = pick("234455"), pick(SATISFACTION_COMMENTS)
        texts = self.texts[int(rnd() * len(self.texts))]
        steps = _STEPS[status]
        updated = created + min(age, steps * (0.5 + rnd() * 9.5) * 86_400.0)
        return "\t".join((
            str(req_id), _ts(created), _ts(updated), number, str(customer_id), pick(CHANNELS),
            texts[0], pick(CATEGORIES),
            "implicit" if rnd() < 0.25 else "explicit", type_, *map(str, inputs),
            urgency_class, _ts(created + window if window else None),
            _ts(first_response), _ts(sla_paused), _ts(plan_due), _ts(plan_submitted), status,
            owner, planned, _null(merged_into), self.code_hash, satisfaction, comment,
            pick(self.staff.creators), str(1 + steps), texts[1],
        )) + "\n", "\t".join((
            str(req_id), str(scoring.inputs_key(*inputs)), score, priority, quadrant, status,
        )) + "\n"  # fmt: skip


_WINDOWS = {k: v.total_seconds() for k, v in sla.RESPONSE_WINDOW.items()}


# ---- Orchestration -----------------------------------------------------------------------------


def _other_columns(model: type[Model], columns: Sequence[str]) -> tuple[list[str], str]:
    """The columns the generator leaves out that need a value (their model defaults), so that
    fields added later do not break the load; and those values as the tail of a COPY line."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns:
            continue
        if field.has_default():
            value = field.get_db_prep_save(field.get_default(), connection)
            names.append(field.column)
            values.append("t" if value is True else "f" if value is False else _null(value))
        elif not field.null:
            raise ValueError(f"The bulk seeder has no value for {model.__name__}.{field.name}.")
    return names, "".join(f"\t{v}" for v in values)


def _copy(cursor: CursorWrapper, model: type[Model], columns: Sequence[str], text: str) -> None:
    """COPY ``text`` (lines of ``columns`` in text format, without their newline) into the
    model's table, other columns taking their defaults."""
    extra, tail = _other_columns(model, columns)
    if tail:
        text = text.replace("\n", tail + "\n")
    sql = f"COPY {model._meta.db_table} ({', '.join([*columns, *extra])}) FROM STDIN"
    cursor.copy_expert(sql, io.StringIO(text), 1 << 20)


def _ahead(batches: Iterator[tuple[int, T]]) -> Iterator[tuple[int, T]]:
    """``batches``, each built on a worker thread while the database loads the one before.

    psycopg2 lets go of the GIL while it waits on the server, so generating rows and loading
    them use both cores.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(next, batches, None)
        while (batch := future.result()) is not None:
            future = pool.submit(next, batches, None)
            yield batch


@contextmanager
def _indexes_rebuilt(
    cursor: CursorWrapper, model: type[Model], progress: Progress, *, rows: int
) -> Iterator[None]:
    """Drop the table's secondary indexes and foreign keys, and create them again on the way out
    (when loading at least REBUILD_FROM rows; for fewer, keeping them is cheaper).

    PostgreSQL's advice for loading much data: building an index once over all the rows is
    several times cheaper than updating it row by row, and re-adding a foreign key checks all
    rows in one join instead of one look-up per row at commit. The primary key and unique
    constraints stay. Inside the caller's transaction, so a failure restores all of it.
    """
    if rows < REBUILD_FROM:
        yield
        return
    table = model._meta.db_table
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS ("
        "  SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass"
        ") ORDER BY i.indexname",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    keys = cursor.fetchall()
    # Run the checks still queued (the customers just loaded): tables with pending checks
    # cannot be altered.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _definition in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    # Enough memory to sort (b-tree) or collect (GIN) each index in one pass.
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    steps = len(indexes) + len(keys)
    progress("indexes", 0, steps)
    for done, (_name, definition) in enumerate(indexes, start=1):
        cursor.execute(definition)
        progress("indexes", done, steps)
    for done, (name, definition) in enumerate(keys, start=len(indexes) + 1):
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        progress("indexes", done, steps)


def _reserve_ids(cursor: CursorWrapper, table: str, count: int) -> int:
    """First of ``count`` consecutive new ids for ``table``, which stays locked until commit."""
    # Table and sequence names come from model metadata and the catalog, never from input.
    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute(
        f"SELECT pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) FROM {table}"  # noqa: S608
    )
    sequence, max_id = cursor.fetchone()
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
    last, called = cursor.fetchone()
    first = max(int(max_id), int(last) if called else int(last) - 1) + 1
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _advance_counters(
    cursor: CursorWrapper, prefix: str, per_year: Mapping[int, int]
) -> dict[int, int]:
    """Take ``per_year[year]`` numbers from each year's counter; return each year's first one."""
    first = {}
    for year, count in sorted(per_year.items()):
        cursor.execute(
            "INSERT INTO core_counter (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = core_counter.value + EXCLUDED.value "
            "RETURNING value",
            [f"{prefix}:{year}", count],
        )
        (last,) = cursor.fetchone()
        first[year] = int(last) - count + 1
    return first


def _numbers(
    times: Sequence[float], per_year_first: Mapping[int, int]
) -> Iterator[tuple[int, int]]:
    """(year, sequence number) for each of ``times``, which are in order."""
    following = dict(per_year_first)
    for t in times:
        year = datetime.fromtimestamp(t, TZ).year
        yield year, following[year]
        following[year] += 1


def _years(times: Sequence[float]) -> Tally[int]:
    return Tally(datetime.fromtimestamp(t, TZ).year for t in times)


def _quiet(label: str, done: int, total: int) -> None:
    del label, done, total


def bulk_seed(
    *,
    customers: int,
    requirements: int,
    users: Mapping[str, User],
    progress: Progress | None = None,
    batch_size: int = BATCH,
    seed: int = 2026,
) -> BulkResult:
    """Add ``customers`` synthetic customers and ``requirements`` synthetic requirements.

    Requirements go to the new customers (a few big ones, a long tail of small ones), or to
    the existing customers when no new ones are asked for. ``users`` are the demo users by
    username (sales1, sales2, cs, pm, dev). Locks both tables until it commits; raises
    ValueError when there is no customer to give requirements to.
    """
    progress = progress or _quiet
    rng = random.Random(seed)  # noqa: S311 -- repeatable test data, not secrets
    started = time.monotonic()
    now = float(int(timezone.now().timestamp()))
    reps = [users["sales1"].pk, users["sales2"].pk]
    uid = {name: str(user.pk) for name, user in users.items()}
    staff = _Staff(
        creators=[uid["sales1"], uid["sales2"], uid["sales1"], uid["sales2"], uid["cs"], uid["pm"]],
        owners={"function": uid["pm"], "service": uid["cs"], "sales": uid["sales1"],
                "custom": uid["dev"]},
    )  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        # Nothing is lost if the machine dies before the commit reaches the disk: run it again.
        cursor.execute("SET LOCAL synchronous_commit = off")
        ids, times = _seed_customers(cursor, rng, customers, reps, now, batch_size, progress)
        if requirements:
            if not ids:
                cursor.execute(
                    "SELECT id, EXTRACT(EPOCH FROM created_at) FROM customers_customer ORDER BY id"
                )
                found = cursor.fetchall()
                if not found:
                    raise ValueError("There are no customers to give requirements to.")
                ids, times = [int(r[0]) for r in found], [float(r[1]) for r in found]
            _seed_requirements(
                cursor, rng, requirements, ids, times, staff, now, batch_size, progress
            )
    return BulkResult(customers, requirements, time.monotonic() - started)


def _seed_customers(
    cursor: CursorWrapper, rng: random.Random, count: int, owners: Sequence[int], now: float,
    batch_size: int, progress: Progress,
) -> tuple[list[int], list[float]]:  # fmt: skip
    if not count:
        return [], []
    times = sorted(float(int(now - rng.random() * SPAN.total_seconds())) for _ in range(count))
    firsts = _advance_counters(cursor, "customer", _years(times))
    codes = [f"C{year}{n:03d}" for year, n in _numbers(times, firsts)]
    first_id = _reserve_ids(cursor, "customers_customer", count)
    progress("customers", 0, count)
    with _indexes_rebuilt(cursor, Customer, progress, rows=count):
        for start in range(0, count, batch_size):
            end = min(start + batch_size, count)
            rows = _customer_rows(rng, first_id + start, times[start:end], codes[start:end], owners)
            _copy(cursor, Customer, _CUSTOMER_COLUMNS, "".join(rows))
            progress("customers", end, count)
    return list(range(first_id, first_id + count)), times


def _seed_requirements(
    cursor: CursorWrapper, rng: random.Random, count: int, customer_ids: Sequence[int],
    customer_times: Sequence[float], staff: _Staff, now: float, batch_size: int,
    progress: Progress,
) -> None:  # fmt: skip
    # A few big customers and a long tail: customer k gets a share falling off like k^(-1/3).
    n = len(customer_ids)
    horizon = now - SPAN.total_seconds()
    drawn = []
    for _ in range(count):
        k = min(int(n * rng.random() ** 1.5), n - 1)
        since = max(customer_times[k], horizon)
        drawn.append((float(int(since + rng.random() * (now - since))), k))
    drawn.sort()
    times = [t for t, _k in drawn]
    numbers = _numbers(times, _advance_counters(cursor, "requirement", _years(times)))
    first_id = _reserve_ids(cursor, "requirements_requirement", count)
    maker = _RequirementMaker(
        rng, staff, now, access.code_hash(ACCESS_CODE), texts=min(count, TEXTS)
    )

    def batches() -> Iterator[tuple[int, tuple[str, str]]]:
        for start in range(0, count, batch_size):
            end = min(start + batch_size, count)
            lines, ranks = [], []
            for i in range(start, end):
                year, seq = next(numbers)
                t, k = drawn[i]
                line, rank = maker.line(first_id + i, f"REQ-{year}-{seq:06d}", customer_ids[k], t)
                lines.append(line)
                ranks.append(rank)
            yield end, ("".join(lines), "".join(ranks))

    progress("requirements", 0, count)
    with (
        _indexes_rebuilt(cursor, Requirement, progress, rows=count),
        _indexes_rebuilt(cursor, RequirementRank, progress, rows=count),
    ):
        for done, (text, ranks) in _ahead(batches()):
            _copy(cursor, Requirement, _REQUIREMENT_COLUMNS, text)
            _copy(cursor, RequirementRank, _RANK_COLUMNS, ranks)
            progress("requirements", done, count)


def analyze() -> None:
    """Fresh planner statistics for the tables the seeder filled."""
    with connection.cursor() as cursor:
        tables = (
            "customers_customer", "requirements_requirement", "requirements_requirementrank",
            "core_counter",
        )  # fmt: skip
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


__all__ = ["ACCESS_CODE", "BulkResult", "analyze", "bulk_seed", "search_vector"]
