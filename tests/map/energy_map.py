"""A realistic journey map of an energy supplier (6 stages, 20 touchpoints, 2 personas).

Shared by tests/map and tests/plot (imported by file path there, see `load_energy_map`).
"""

from __future__ import annotations

import datetime as dt

from cjlib.map import (
    JourneyMap,
    Objective,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
)


def _tp(tp_id, name, channel, owner, saver, eco, *, ownership="owned", events=(), **kw):
    return Touchpoint(
        id=tp_id,
        name=name,
        channel=channel,
        owner=owner,
        ownership=ownership,
        emotion={"saver": saver, "eco": eco},
        events=events or (tp_id,),
        **kw,
    )


def build_energy_map() -> JourneyMap:
    personas = (
        Persona(
            id="saver",
            name="Budget saver",
            description="Rents a flat, checks every bill, switches when a cheaper tariff appears.",
            goals=("Lowest monthly cost", "No surprises on the bill"),
            frustrations=("Hidden fees", "Long hold times"),
            share=0.62,
            segment="price_sensitive",
        ),
        Persona(
            id="eco",
            name="Green homeowner",
            description="Owns a house with solar panels and an EV; wants 100% renewable power.",
            goals=("Certified green energy", "Smart-meter insight"),
            frustrations=("Greenwashing", "Paper letters"),
            share=0.38,
            segment="green",
        ),
    )
    awareness = Stage(
        id="awareness",
        name="Awareness",
        description="Notice that a better supplier exists",
        owner="Marketing",
        touchpoints=(
            _tp(
                "tv_ad",
                "TV advert",
                "tv",
                "Marketing",
                0.5,
                0.0,
                actions=("Sees the 'switch in 5 minutes' spot",),
                thoughts=("Is it really that easy?",),
            ),
            _tp(
                "friend_tip",
                "Tip from a friend",
                "word of mouth",
                "",
                1.0,
                1.5,
                ownership="external",
                events=("referral_link_open",),
                actions=("Hears a neighbour saved 200 EUR",),
                thoughts=("If she managed, so can I",),
            ),
            _tp(
                "review_site",
                "Review site",
                "review site",
                "",
                0.0,
                -0.5,
                ownership="external",
                events=("review_site_visit",),
                actions=("Reads ratings on a review portal",),
                thoughts=("Mixed reviews about billing",),
                pain_points=(
                    PainPoint(
                        "Old billing complaints dominate the reviews", "medium", id="stale_reviews"
                    ),
                ),
                opportunities=(
                    Opportunity(
                        "Answer reviews publicly within 48 h",
                        "S",
                        "Customer care",
                        0.2,
                        id="reply_reviews",
                        addresses=("stale_reviews",),
                    ),
                ),
            ),
        ),
    )
    comparison = Stage(
        id="comparison",
        name="Comparison",
        description="Find the right tariff",
        owner="Sales",
        touchpoints=(
            _tp(
                "comparison_site",
                "Price comparison site",
                "web",
                "Sales",
                1.0,
                0.0,
                ownership="partner",
                events=("comparison_click",),
                actions=("Filters by price and green share",),
                expectation="Honest like-for-like prices",
                pain_points=(
                    PainPoint(
                        "Green certificates not shown on the partner site",
                        "high",
                        id="no_green_label",
                        personas=("eco",),
                    ),
                ),
                opportunities=(
                    Opportunity(
                        "Feed certificate data to comparison partners",
                        "M",
                        "Sales",
                        0.3,
                        id="partner_feed",
                        addresses=("no_green_label",),
                    ),
                ),
            ),
            _tp(
                "tariff_page",
                "Tariff page",
                "web",
                "Marketing",
                0.5,
                1.0,
                events=("tariff_page_view",),
                actions=("Compares three tariffs",),
                thoughts=("What is the standing charge?",),
            ),
            _tp(
                "calculator",
                "Savings calculator",
                "web",
                "Digital",
                -0.5,
                0.5,
                events=("calculator_used",),
                actions=("Types in last year's kWh",),
                pain_points=(
                    PainPoint(
                        "Needs the exact kWh from an old bill",
                        "medium",
                        id="kwh_needed",
                        personas=("saver",),
                    ),
                ),
                opportunities=(
                    Opportunity(
                        "Estimate use from household size",
                        "S",
                        "Digital",
                        id="estimate_use",
                        addresses=("kwh_needed",),
                    ),
                ),
            ),
            _tp(
                "chat_sales",
                "Sales chat",
                "chat",
                "Sales",
                1.0,
                1.0,
                events=("chat_sales_start",),
                actions=("Asks about exit fees",),
            ),
        ),
    )
    signup = Stage(
        id="signup",
        name="Sign-up",
        description="Become a customer",
        owner="Sales",
        touchpoints=(
            _tp(
                "signup_form",
                "Online sign-up form",
                "web",
                "Digital",
                0.0,
                0.5,
                events=("signup_start", "signup_complete"),
                actions=("Enters meter number and bank details",),
                thoughts=("Where do I find my meter number?",),
                pain_points=(
                    PainPoint("Meter number hard to find", "high", id="meter_number"),
                    PainPoint("Form times out after 10 minutes", "critical", id="form_timeout"),
                ),
                opportunities=(
                    Opportunity(
                        "Photo-scan the meter",
                        "L",
                        "Digital",
                        0.4,
                        id="meter_scan",
                        addresses=("meter_number",),
                    ),
                    Opportunity(
                        "Save progress automatically",
                        "S",
                        "Digital",
                        0.6,
                        id="autosave",
                        addresses=("form_timeout",),
                    ),
                ),
            ),
            _tp(
                "welcome_email",
                "Welcome e-mail",
                "email",
                "Marketing",
                1.0,
                1.0,
                events=("welcome_email_open",),
                actions=("Reads the welcome pack",),
            ),
            _tp(
                "credit_check",
                "Credit check",
                "back office",
                "Risk",
                -1.0,
                -0.5,
                ownership="partner",
                events=("credit_check_done",),
                pain_points=(
                    PainPoint(
                        "Deposit asked without explanation",
                        "high",
                        id="deposit_surprise",
                        personas=("saver",),
                    ),
                ),
            ),
        ),
    )
    switching = Stage(
        id="switching",
        name="Switching",
        description="Move supply without a gap",
        owner="Operations",
        touchpoints=(
            _tp(
                "switch_letter",
                "Switch confirmation letter",
                "letter",
                "Operations",
                0.0,
                -1.0,
                events=("letter_sent",),
                pain_points=(
                    PainPoint(
                        "Paper letter instead of e-mail",
                        "low",
                        id="paper_letter",
                        personas=("eco",),
                    ),
                ),
            ),
            _tp(
                "meter_reading",
                "First meter reading",
                "app",
                "Operations",
                -0.5,
                0.5,
                events=("meter_reading_submitted",),
                actions=("Submits a reading in the app",),
                expectation="A reminder on the right day",
            ),
            _tp(
                "old_supplier_bill",
                "Final bill from old supplier",
                "letter",
                "",
                -1.5,
                -1.0,
                ownership="external",
                events=("old_supplier_final_bill",),
                thoughts=("Why am I paying twice this month?",),
                pain_points=(
                    PainPoint("Overlapping bills from both suppliers", "high", id="double_bill"),
                ),
                opportunities=(
                    Opportunity(
                        "Explain the overlap in the welcome e-mail",
                        "S",
                        "Marketing",
                        0.3,
                        id="explain_overlap",
                        addresses=("double_bill",),
                    ),
                ),
            ),
        ),
    )
    billing = Stage(
        id="billing",
        name="Billing",
        description="Pay the right amount",
        owner="Billing",
        touchpoints=(
            _tp(
                "first_bill",
                "First bill",
                "email",
                "Billing",
                -1.0,
                0.0,
                events=("bill_issued",),
                actions=("Checks the amount against the quote",),
                thoughts=("That is more than the calculator said",),
                pain_points=(PainPoint("Bill higher than quoted", "critical", id="bill_shock"),),
                opportunities=(
                    Opportunity(
                        "Show quote vs bill side by side",
                        "M",
                        "Billing",
                        0.5,
                        id="quote_vs_bill",
                        addresses=("bill_shock",),
                    ),
                ),
            ),
            _tp(
                "direct_debit",
                "Direct debit",
                "bank",
                "Billing",
                0.5,
                0.5,
                ownership="partner",
                events=("payment_collected",),
            ),
            _tp(
                "usage_app",
                "Usage dashboard",
                "app",
                "Digital",
                0.5,
                2.0,
                events=("app_usage_view",),
                actions=("Looks at daily solar export",),
            ),
        ),
    )
    support = Stage(
        id="support",
        name="Support",
        description="Get a problem solved",
        owner="Customer care",
        touchpoints=(
            _tp(
                "help_centre",
                "Help centre",
                "web",
                "Customer care",
                0.0,
                0.0,
                events=("help_article_view",),
            ),
            _tp(
                "call_centre",
                "Call centre",
                "phone",
                "Customer care",
                -2.0,
                -1.5,
                events=("support_call",),
                actions=("Waits on hold", "Explains the problem twice"),
                thoughts=("Nobody knows my history",),
                pain_points=(
                    PainPoint("35-minute hold time", "critical", id="hold_time"),
                    PainPoint("Has to repeat the story", "high", id="repeat_story"),
                ),
                opportunities=(
                    Opportunity(
                        "Call-back instead of hold",
                        "M",
                        "Customer care",
                        0.5,
                        id="callback",
                        addresses=("hold_time",),
                    ),
                    Opportunity(
                        "Show past contacts to the agent",
                        "L",
                        "IT",
                        0.4,
                        id="agent_history",
                        addresses=("repeat_story",),
                    ),
                ),
            ),
            _tp(
                "social_care",
                "Social media care",
                "social",
                "Customer care",
                0.5,
                0.5,
                events=("social_mention",),
                pain_points=(PainPoint("Replies only in office hours", "low", id="office_hours"),),
            ),
            _tp(
                "complaint_form",
                "Formal complaint",
                "web",
                "Complaints",
                -1.5,
                -1.0,
                events=("complaint_*",),
                actions=("Files a complaint after the third call",),
                expectation="An answer within 5 working days",
                pain_points=(PainPoint("No acknowledgement for a week", "medium", id="no_ack"),),
                opportunities=(
                    Opportunity(
                        "Instant acknowledgement with a case number",
                        "S",
                        "Complaints",
                        id="instant_ack",
                        addresses=("no_ack",),
                    ),
                ),
            ),
        ),
    )
    objectives = (
        Objective(
            id="retention_90d",
            kpi="90-day retention",
            target=0.92,
            deadline=dt.date(2027, 3, 31),
            owner="Customer care",
            baseline=0.88,
            direction="increase",
            unit="share",
            description="Keep more new customers through the first bill",
        ),
        Objective(
            id="signup_abandon",
            kpi="Sign-up abandonment",
            target=25.0,
            deadline=dt.date(2026, 12, 31),
            owner="Digital",
            baseline=41.0,
            direction="decrease",
            unit="%",
        ),
    )
    return JourneyMap(
        id="energy_switch",
        name="Switching to GreenVolt energy",
        description="From first hearing about GreenVolt to the first support contact.",
        personas=personas,
        stages=(awareness, comparison, signup, switching, billing, support),
        objectives=objectives,
        metadata={"author": "CX team", "workshop": "2026-10-14", "version": 3},
    )
