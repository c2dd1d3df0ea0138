"""factory_boy factories shared by every app's tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from customers.models import Contact, Customer, Interaction
from reqhub.accounts.models import User
from reqhub.accounts.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    role = Role.SALES_REP
    password = factory.django.Password("pw-123456")
    is_superuser = factory.LazyAttribute(lambda u: u.role == Role.ADMIN)
    is_staff = factory.LazyAttribute(lambda u: u.role == Role.ADMIN)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C2099{n:04d}")
    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    industry = "manufacturing"
    region = "苏州"
    owner = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = "王经理"
    position = "生产经理"
    work_phone = "0512-6551 0000"
    work_email = factory.Sequence(lambda n: f"wang{n}@example-mfg.cn")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    method = "phone"
    summary = "电话沟通报表需求"
    logged_by = factory.SelfAttribute("customer.owner")
