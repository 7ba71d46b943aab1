"""Demo people: the team's users, the customer accounts (plans, seats, ARR) and their contacts."""

from __future__ import annotations

import datetime as dt

from frontdoor.demo import names
from frontdoor.demo.content import (
    INCLUDED_SEATS,
    PLANS,
    PLATFORM_WEIGHTS,
    AccountRow,
    ContactRow,
    UserRow,
    nfc,
)
from frontdoor.demo.gen_state import GenState


class PeopleGen(GenState):
    """Users, accounts and contacts."""

    # ------------------------------------------------------------------- users
    def make_users(self) -> None:
        self.users.append(UserRow(names.ADMIN_EMAIL, names.ADMIN_NAME, "admin", None))
        for local, name, role, area in names.TEAM:
            self.users.append(UserRow(f"{local}@{names.TEAM_DOMAIN}", name, role, area))
        self.cx_agents = [i for i, u in enumerate(self.users) if u.role == "cx"]

    # ---------------------------------------------------------------- accounts
    def make_accounts(self, count: int = 320) -> None:
        rng = self.rng
        plan_names = list(PLANS)
        used_names: set[str] = set()
        csm = self.cx_agents[:3]  # 박서연, 이준호, 최유진 own CSM accounts
        adr, am = self.cx_agents[2], self.cx_agents[3]
        for i in range(count):
            plan = rng.choices(plan_names, weights=[PLANS[p]["share"] for p in plan_names])[0]
            segment = self.weighted({k: float(v) for k, v in names.SEGMENT_WEIGHTS.items()})
            english = rng.random() < (0.12 if plan in ("Growth", "Pro") else 0.06)
            for _attempt in range(50):
                if english:
                    head = self.pick(names.EN_SHOP_HEADS)
                    tail = self.pick(names.EN_SHOP_TAILS[segment])
                    name = f"{head} {tail}"
                    roman = f"{head}{tail}".lower().replace(" ", "").replace(".", "")
                else:
                    h_ko, h_en = self.pick(names.SHOP_HEADS)
                    t_ko, t_en = self.pick(names.SEGMENTS[segment]["tails"])
                    base = f"{h_ko}{t_ko}"
                    if plan == "Enterprise" and rng.random() < 0.5:
                        base, t_en = f"{h_ko}커머스", "commerce"
                    form = self.pick(names.CORP_FORMS) if plan != "Free" else ""
                    name = f"{form}{base}".strip()
                    roman = f"{h_en}{t_en}"
                if name not in used_names:
                    break
            else:
                name = f"{name} {i}"
                roman = f"{roman}{i}"
            used_names.add(name)
            spec = PLANS[plan]
            seats = rng.randint(*spec["seats"])
            yearly = spec["monthly"] * 12
            extra = max(0, seats - INCLUDED_SEATS[plan]) * spec["extra_seat"] * 12
            discount = rng.choice((0.0, 0.0, 0.1, 0.2)) if plan != "Free" else 0.0
            if plan == "Enterprise":
                yearly = rng.randrange(12_000_000, 60_000_000, 500_000)
            arr = int(round((yearly + extra) * (1 - discount), -3))
            if english:
                platforms = ["shopify"] + (["cafe24"] if rng.random() < 0.2 else [])
            else:
                main = self.weighted({k: float(v) for k, v in PLATFORM_WEIGHTS.items() if k != "shopify"})
                platforms = [main]
                if plan in ("Growth", "Pro", "Enterprise") and rng.random() < 0.6:
                    other = self.weighted({k: float(v) for k, v in PLATFORM_WEIGHTS.items() if k != main})
                    platforms.append(other)
            sells_coupang = (not english) and rng.random() < 0.45
            # Long-term accounts are mostly the bigger ones; 12% joined during the window.
            if rng.random() < 0.12:
                since = rng.randrange(0, self.days - 20)
            else:
                max_age = {"Free": 300, "Starter": 600, "Growth": 900, "Pro": 1100, "Enterprise": 1300}[plan]
                since = -rng.randrange(30, max_age)
            health = min(
                1.0, max(0.02, rng.betavariate(4, 2) + (0.08 if plan in ("Pro", "Enterprise") else 0))
            )
            if plan == "Enterprise" or (plan == "Pro" and rng.random() < 0.6):
                stage, owner = "am", am
            elif plan in ("Growth", "Pro") and rng.random() < 0.35:
                stage, owner = "adr", adr
            else:
                stage, owner = "csm", csm[i % len(csm)]
            domain = f"{roman}.example"
            self.accounts.append(
                AccountRow(
                    name=nfc(name),
                    plan=plan,
                    segment=segment,
                    arr=arr,
                    seats=seats,
                    owner=owner,
                    stage=stage,
                    domain=domain,
                    language="en" if english else "ko",
                    since_day=since,
                    health=health,
                    platforms=platforms,
                    attributes={
                        "customer_since": (self.start.date() + dt.timedelta(days=since)).isoformat(),
                        "platforms": platforms,
                        "sells_on_coupang": sells_coupang,
                        "billing_cycle": "annual" if discount or plan == "Enterprise" else "monthly",
                        "renewal_date": self.renewal(since, annual=bool(discount) or plan == "Enterprise"),
                        "crm_id": f"ACC-{i + 1:04d}",
                    },
                )
            )
        # Domains must be unique per workspace.
        seen: dict[str, int] = {}
        for a in self.accounts:
            if a.domain in seen:
                seen[a.domain] += 1
                a.domain = a.domain.replace(".example", f"{seen[a.domain]}.example")
            else:
                seen[a.domain] = 1

    def renewal(self, since_day: int, *, annual: bool) -> str:
        """Next renewal after the window's end: the next anniversary (annual) or month (monthly)."""
        since = self.start.date() + dt.timedelta(days=since_day)
        end = self.end.date()
        step = 365 if annual else 30
        periods = (end - since).days // step + 1
        return (since + dt.timedelta(days=periods * step)).isoformat()

    def person(self, english: bool) -> tuple[str, str]:
        if english:
            first, last = self.pick(names.EN_FIRST), self.pick(names.EN_LAST)
            return f"{first} {last}", f"{first.lower()}.{last.lower()}"
        s_ko, s_en = self.pick(names.SURNAMES)
        g_ko, g_en = self.pick(names.GIVEN_NAMES)
        return f"{s_ko}{g_ko}", f"{g_en}.{s_en}"

    def add_contact(self, account: int | None, *, decision: bool, english: bool, domain: str) -> int:
        name, local = self.person(english)
        email = f"{local}@{domain}"
        n = 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        titles = names.DECISION_TITLES if decision else names.PRACTITIONER_TITLES
        t_ko, t_en = self.pick(titles)
        if decision and account is not None and self.accounts[account].plan in ("Free", "Starter"):
            t_ko, t_en = names.DECISION_TITLES[0]  # a small shop's decision maker is its owner
        idx = len(self.contacts)
        self.contacts.append(
            ContactRow(
                account=account,
                name=nfc(name),
                email=email,
                title=t_en if english else t_ko,
                is_decision_maker=decision,
                member_id=f"gb-{idx + 1:05d}",
                language="en" if english else "ko",
            )
        )
        if account is not None:
            self.by_account.setdefault(account, []).append(idx)
        return idx

    def make_contacts(self) -> None:
        for i, a in enumerate(self.accounts):
            english = a.language == "en"
            n = {"Free": (1, 1), "Starter": (1, 2), "Growth": (2, 3), "Pro": (2, 4), "Enterprise": (3, 5)}[
                a.plan
            ]
            count = self.rng.randint(*n)
            # Small shops: the owner is often the only contact; big ones have both kinds.
            first_dm = a.plan in ("Free", "Starter") and self.rng.random() < 0.35
            for k in range(count):
                decision = first_dm if k == 0 else (k == 1 and a.plan in ("Pro", "Enterprise", "Growth"))
                self.add_contact(i, decision=decision, english=english, domain=a.domain)
