//! Realistic-looking names and addresses for simulated rooms and callers. Every number is in a
//! range reserved for fiction or documentation (NANP 555-01xx, Ofcom 020 7946 0xxx, ACMA
//! 0491 570 xxx), and every domain is an `example` domain.

use fastrand::Rng;

pub const CONFERENCE_NAMES: &[&str] = &[
    "Team Standup",
    "Sales Weekly",
    "Incident Bridge",
    "Support Escalations",
    "Board Prep",
    "Engineering All-Hands",
    "Q4 Planning",
    "Customer Onboarding",
    "Partner Sync",
    "Release Go/No-Go",
    "Marketing Review",
    "NOC Handover",
    "Finance Close",
    "Recruiting Debrief",
    "Design Crit",
    "Security Review",
    "Ops Daily",
    "Product Council",
    "Field Sales EMEA",
    "APAC Support Sync",
    "Legal Office Hours",
    "Vendor Call",
    "Training: New Agents",
    "Town Hall",
];

pub const CONFERENCE_DETAILS: &[&str] = &[
    "Daily team standup meeting",
    "Weekly pipeline review",
    "Major incident coordination",
    "Escalated tickets, tier 2 and 3",
    "Quarterly planning",
    "Open bridge, all welcome",
];

const GIVEN: &[&str] = &[
    "Alice", "Bob", "Carmen", "Dmitri", "Emeka", "Fatima", "Grace", "Hiroshi", "Ingrid", "José",
    "Kwame", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Søren", "Tamar",
    "Uma", "Viktor", "Wei", "Ximena", "Yusuf", "Zoë", "Aroha", "Björn", "Chiara", "Deepak",
];

const FAMILY: &[&str] = &[
    "Smith",
    "Okafor",
    "García",
    "Ivanova",
    "Tanaka",
    "Müller",
    "Haddad",
    "Nguyen",
    "O'Brien",
    "Kowalski",
    "Silva",
    "Chen",
    "Johansson",
    "Patel",
    "Rossi",
    "Dubois",
    "Kim",
    "Novak",
    "Mensah",
    "Andersen",
    "Fernández",
    "Walker",
    "Yilmaz",
    "Cohen",
];

const CJK_NAMES: &[&str] = &["王伟", "李娜", "山田太郎", "김민준", "Nguyễn Văn An"];

const SIP_USERS: &[&str] = &[
    "frontdesk",
    "conf-room-3",
    "lobby",
    "helpdesk",
    "warehouse",
    "ceo",
];

const SIP_DOMAINS: &[&str] = &["pbx.example.com", "sip.example.net", "voip.example.org"];

const AGENT_NAMES: &[&str] = &["Agent Kim", "Agent Rivera", "Agent Osei", "Agent Lindqvist"];

/// A conference name, made distinct when the list runs out.
pub fn conference_name(rng: &mut Rng, n: usize) -> String {
    let base = CONFERENCE_NAMES[n % CONFERENCE_NAMES.len()];
    match n / CONFERENCE_NAMES.len() {
        0 => base.to_owned(),
        round => {
            let _ = rng;
            format!("{base} #{}", round + 1)
        }
    }
}

/// A person's display name; sometimes in a non-Latin script.
pub fn person(rng: &mut Rng) -> String {
    if rng.u8(..20) == 0 {
        return CJK_NAMES[rng.usize(..CJK_NAMES.len())].to_owned();
    }
    format!(
        "{} {}",
        GIVEN[rng.usize(..GIVEN.len())],
        FAMILY[rng.usize(..FAMILY.len())]
    )
}

/// A telephone number in a fictional range, E.164.
pub fn phone(rng: &mut Rng) -> String {
    match rng.u8(..3) {
        0 => format!("+1555{:03}01{:02}", rng.u16(200..999), rng.u8(..100)),
        1 => format!("+44207946{:04}", rng.u16(..1000)),
        _ => format!("+61491570{:03}", rng.u16(..1000)),
    }
}

/// A SIP URI on an example domain.
pub fn sip_uri(rng: &mut Rng) -> String {
    format!(
        "sip:{}@{}",
        SIP_USERS[rng.usize(..SIP_USERS.len())],
        SIP_DOMAINS[rng.usize(..SIP_DOMAINS.len())]
    )
}

/// An agent's display name.
pub fn agent(rng: &mut Rng) -> String {
    AGENT_NAMES[rng.usize(..AGENT_NAMES.len())].to_owned()
}

/// The customer's own outbound number, used as the local side of calls.
pub fn local_number(rng: &mut Rng) -> String {
    format!("+1555{:03}0100", rng.u16(200..999))
}
