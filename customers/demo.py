"""Demo customers that look real: the seed documents' examples and companies across industries."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from reqhub.accounts.models import User

from . import services
from .models import Customer

TZ = ZoneInfo("Asia/Shanghai")

# (name, industry, size, region, main business, value tier, lifecycle, contact, position, domain)
COMPANIES: list[tuple[str, ...]] = [
    ("星辰网络科技有限公司", "internet", "100-499", "杭州", "SaaS 协同办公平台", "high", "active", "陈静", "技术总监", "xingchen-tech.cn"),
    ("云帆数据服务有限公司", "internet", "50-99", "北京", "企业数据中台", "medium", "active", "刘洋", "产品负责人", "yunfan-data.cn"),
    ("华东精密制造股份有限公司", "manufacturing", "1000+", "苏州", "精密零部件加工", "high", "active", "王强", "生产经理", "hd-precision.com.cn"),
    ("鼎盛机械装备有限公司", "manufacturing", "500-999", "无锡", "工程机械", "medium", "churn_risk", "赵磊", "设备部部长", "dingsheng-mach.cn"),
    ("绿源新材料科技有限公司", "manufacturing", "100-499", "宁波", "环保包装材料", "low", "potential", "孙莉", "采购经理", "lvyuan-material.cn"),
    ("优品连锁超市有限公司", "retail", "1000+", "上海", "社区连锁零售", "high", "active", "周敏", "运营总监", "youpin-retail.cn"),
    ("悦享生活百货有限公司", "retail", "500-999", "南京", "百货与电商", "medium", "churn_risk", "吴婷", "信息部经理", "yuexiang-life.cn"),
    ("汇通金融服务有限公司", "finance", "500-999", "深圳", "供应链金融", "high", "active", "郑浩", "风控总监", "huitong-fin.cn"),
    ("安信保险经纪有限公司", "finance", "100-499", "广州", "保险经纪", "medium", "potential", "冯雪", "客服中心主任", "anxin-broker.cn"),
    ("仁和医疗集团", "healthcare", "1000+", "成都", "连锁专科医院", "high", "active", "何军", "信息科主任", "renhe-medical.cn"),
    ("康宁医疗器械有限公司", "healthcare", "100-499", "天津", "医疗器械流通", "low", "lost", "许芳", "质量经理", "kangning-med.cn"),
    ("启明教育科技有限公司", "education", "100-499", "武汉", "K12 在线教育", "medium", "active", "高远", "教研总监", "qiming-edu.cn"),
    ("博学职业培训学校", "education", "50-99", "西安", "职业技能培训", "low", "potential", "林晓", "教务主任", "boxue-school.cn"),
    ("顺达物流有限公司", "logistics", "500-999", "郑州", "城配与仓储", "medium", "active", "马超", "调度中心经理", "shunda-logistics.cn"),
]  # fmt: skip

MOODS = ["satisfied", "neutral", "dissatisfied"]
METHODS = ["phone", "visit", "online_meeting", "email", "chat"]
SUMMARIES = [
    ("季度回访，客户对报表导出速度不满意", "报表导出提速，支持按部门筛选"),
    ("线上演示新版审批流，客户反馈良好", "希望审批流支持移动端签批"),
    ("客户反映售后响应慢，超过24小时未解决", "7×24小时快速响应通道，专属技术顾问"),
    ("讨论续约及价格方案", "希望按用量阶梯计价"),
    ("培训需求沟通", "每月一次线上培训，录制操作视频"),
]


def _at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=TZ)


def seed_customers(users: dict[str, User]) -> int:
    """Create the demo customers that are not there yet; return how many were created."""
    admin, reps = users["admin"], [users["sales1"], users["sales2"]]
    created = 0
    if not Customer.objects.filter(name="A科技公司").exists():
        a = services.customer_create(
            actor=admin, owner=reps[0], year=2024, name="A科技公司", industry="internet",
            size="100-499", region="上海", main_business="企业数据分析平台", lifecycle="active",
            value_tier="high", purchase_amount_6m=Decimal("150000"), usage_per_month=25,
            satisfaction=3, first_cooperation_on=date(2023, 6, 1),
            notes="客户提到竞品报价低10%，需突出性价比优势。",
        )  # fmt: skip
        services.contact_create(
            actor=admin, customer=a, name="张伟", position="采购总监",
            work_phone="021-6888 1234", work_email="zhangwei@a-tech.example.cn",
            decision_role="decision_maker",
        )  # fmt: skip
        services.interaction_create(
            actor=reps[0], customer=a, occurred_at=_at(2024, 3, 15), method="visit",
            participants="张伟（采购总监）；李明（销售）",
            summary="系统响应速度慢，需提升数据处理效率。客户担忧后期运维成本高，希望提供技术培训。",
            mood="neutral", key_demands="支持实时数据监控、API接口开放",
            next_follow_up_on=date(2024, 3, 20), next_follow_up_plan="提供技术方案",
        )  # fmt: skip
        created += 1
    if not Customer.objects.filter(name="B制造企业").exists():
        b = services.customer_create(
            actor=admin, owner=reps[1], year=2024, name="B制造企业", industry="manufacturing",
            size="50-99", region="苏州", main_business="工业设备制造", lifecycle="active",
            value_tier="medium", purchase_amount_6m=Decimal("50000"), usage_per_month=8,
            satisfaction=2, notes="客户决策周期较长，需每月同步产品迭代进展。",
        )  # fmt: skip
        services.contact_create(
            actor=admin, customer=b, name="王刚", position="生产经理",
            work_phone="0512-6551 0000 转 8012", work_email="wanggang@b-mfg.example.cn",
            decision_role="influencer",
        )  # fmt: skip
        services.interaction_create(
            actor=reps[1], customer=b, occurred_at=_at(2024, 3, 10), method="phone",
            summary="需定制化报表功能，适配现有ERP系统；希望生产数据能实时同步到ERP系统。",
            mood="neutral", key_demands="报表支持Excel导出、自定义字段；希望供应商能提供行业案例参考",
            next_follow_up_on=date(2024, 3, 25), next_follow_up_plan="发送行业案例",
        )  # fmt: skip
        services.missing_data_note_create(
            actor=admin,
            customer=b,
            field="revenue_band",
            reason="客户未披露营收规模",
            supplier=reps[1],
        )
        created += 1
    rng = random.Random(20260101)
    now = timezone.now()
    for i, row in enumerate(COMPANIES):
        name, industry, size, region, business, tier, life, person, position, domain = row
        if Customer.objects.filter(name=name).exists():
            continue
        owner = reps[i % 2]
        amount: dict[str, Any] = {"high": 200000, "medium": 60000, "low": 8000}
        customer = services.customer_create(
            actor=admin, owner=owner, name=name, industry=industry, size=size, region=region,
            main_business=business, value_tier=tier, lifecycle=life,
            purchase_amount_6m=Decimal(amount[tier] + rng.randrange(0, 20000, 500)),
            usage_per_month=rng.randint(2, 40), satisfaction=rng.randint(2, 5),
            channel_preference=rng.choice(["online", "offline", "phone", "email", "chat"]),
        )  # fmt: skip
        services.contact_create(
            actor=admin, customer=customer, name=person, position=position,
            work_phone=f"0{rng.randint(10, 99)}-{rng.randint(6000, 8999)} {rng.randint(1000, 9999)}",
            work_email=f"contact{i + 1}@{domain}", decision_role=rng.choice(
                ["decision_maker", "influencer", "user"]),
        )  # fmt: skip
        for k in range(rng.randint(1, 3)):
            summary, demands = rng.choice(SUMMARIES)
            when = now - timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 8))
            services.interaction_create(
                actor=owner, customer=customer, occurred_at=when, method=rng.choice(METHODS),
                summary=summary, key_demands=demands, mood=rng.choice(MOODS),
                next_follow_up_on=(timezone.localdate(when) + timedelta(days=14))
                if k == 0 else None,
            )  # fmt: skip
        created += 1
    return created
