//! Building the seeded world as it stands at the start: customers, live rooms and their
//! participants.

use super::history::History;
use super::*;

impl World {
    pub(super) fn populate(&mut self) {
        let now = self.now;
        let main = self.add_customer("Acme Support Ltd", "noc@acme.example.com", now - 400 * DAY);
        let other = self.add_customer("Globex Corp", "it@globex.example.com", now - 200 * DAY);

        // A busy account has part of its history in the recent window, among the live
        // participants, who joined at any time in it.
        let window = self.scenario.recent_window.max(MINUTE);
        let recent = self.scenario.recent_records();
        let old_end = if recent > 0 {
            now - window
        } else {
            now - 45 * MINUTE
        };
        let old = History {
            start: old_end - 14 * DAY,
            end: old_end,
            recent: false,
        };
        self.generate_history(main, self.scenario.history - recent, old);
        let recent_span = History {
            start: now - window,
            end: now - 40 * SECOND,
            recent: true,
        };
        self.generate_history(main, recent, recent_span);
        self.generate_history(other, 20.min(self.scenario.history), old);

        let (live_window, ages) = if recent > 0 {
            (window, (window + MINUTE, window + HOUR))
        } else {
            (30 * MINUTE, (30 * MINUTE, 3 * HOUR))
        };
        // Under the call limit nobody live has been in a call longer than it.
        let live_window = match self.scenario.call_limit {
            Some(limit) => live_window.min(limit - 2 * MINUTE).max(MINUTE),
            None => live_window,
        };
        for _ in 0..self.scenario.conferences {
            let age = self.between(ages.0, ages.1);
            let conference = self.new_conference(main, ConferenceKind::Conference, now - age);
            self.keep_open(conference, 30 * MINUTE);
            let n = self.scenario.participants;
            self.conferences[conference].target = n;
            self.seed_participants(conference, n, live_window);
        }
        for _ in 0..self.scenario.connect_conferences {
            let conference = self.new_conference(main, ConferenceKind::Connect, now - 10 * MINUTE);
            self.seed_participants(conference, 2, 10 * MINUTE);
        }
        for _ in 0..self.scenario.queue_conferences {
            let conference = self.new_conference(main, ConferenceKind::Queue, now - 20 * MINUTE);
            self.conferences[conference].target = QUEUE_CALLERS;
            self.seed_participants(conference, QUEUE_CALLERS, 10 * MINUTE);
        }
        for _ in 0..2 {
            let conference = self.new_conference(other, ConferenceKind::Conference, now - HOUR);
            self.keep_open(conference, 30 * MINUTE);
            self.conferences[conference].target = 3;
            self.seed_participants(conference, 3, 30 * MINUTE);
        }
        self.reindex();
        let live_calls: Vec<usize> = self
            .participants
            .iter()
            .filter(|p| p.status.is_live())
            .map(|p| self.call_index[&p.call])
            .collect();
        for c in live_calls {
            self.maybe_start_muted(c);
        }
        self.last_create = self.participants.last().map_or(0, |p| p.tm_create);
        // A conference with a timeout is deleted when it expires (API.md §4), like a DELETE.
        let timed: Vec<(Uuid, Micros)> = self
            .conferences
            .iter()
            .filter(|r| r.tm_delete.is_none() && r.timeout > 0)
            .map(|r| (r.id, r.tm_create + r.timeout * SECOND))
            .collect();
        for (id, when) in timed {
            self.at(when, Due::ConferenceDelete(id));
        }

        // Churn: arrivals keep each conference near its target; stays are exponential.
        if self.scenario.churn_per_min > 0.0 {
            let live: Vec<(Uuid, usize, ConferenceKind)> = self
                .participants
                .iter()
                .filter(|p| p.status.is_live() && p.customer == main)
                .map(|p| {
                    (
                        p.id,
                        p.customer,
                        self.conferences[self.conference_index[&p.conference]].kind,
                    )
                })
                .collect();
            for (id, _, kind) in live {
                let stay = self.stay(kind);
                self.at(now.saturating_add(stay), Due::Leave(id));
            }
            let gap = self.arrival_gap();
            self.at(now.saturating_add(gap), Due::Arrival);
        }
        if self.scenario.conference_lifetime > 0 {
            let open: Vec<Uuid> = self
                .conferences
                .iter()
                .filter(|r| {
                    r.customer == main
                        && r.kind == ConferenceKind::Conference
                        && r.tm_delete.is_none()
                })
                .map(|r| r.id)
                .collect();
            for id in open {
                let life = self.exp(self.scenario.conference_lifetime);
                self.at(now.saturating_add(life), Due::ConferenceDelete(id));
            }
        }
    }

    pub(super) fn add_customer(&mut self, name: &str, email: &str, tm_create: Micros) -> usize {
        let id = self.uuid();
        let key = format!("sim-{:016x}{:016x}", self.rng.u64(..), self.rng.u64(..));
        self.customers.push(Customer {
            id,
            name: name.to_owned(),
            email: email.to_owned(),
            access_key: key,
            tm_create,
        });
        self.customers.len() - 1
    }

    pub(super) fn new_conference(
        &mut self,
        customer: usize,
        kind: ConferenceKind,
        tm_create: Micros,
    ) -> usize {
        let id = self.uuid();
        let (name, detail) = match kind {
            ConferenceKind::Conference => {
                let n = self.conference_names_used;
                self.conference_names_used += 1;
                let name = names::conference_name(&mut self.rng, n);
                let d =
                    names::CONFERENCE_DETAILS[self.rng.usize(..names::CONFERENCE_DETAILS.len())];
                (name, d.to_owned())
            }
            // Rooms made by the `connect` action or the queue system carry no name.
            ConferenceKind::Connect | ConferenceKind::Queue => (String::new(), String::new()),
        };
        let timeout = match kind {
            ConferenceKind::Conference if self.rng.bool() => 3600 * self.rng.i64(1..5),
            _ => 0,
        };
        let direct_hash = format!("direct.{:012x}", self.rng.u64(..) & 0xffff_ffff_ffff);
        let recording = (kind == ConferenceKind::Conference && self.conference_names_used % 4 == 2)
            .then(|| Uuid::from_u128(id.as_u128().rotate_left(64)));
        self.conferences.push(Conference {
            id,
            customer,
            kind,
            status: ConferenceStatus::Progressing,
            name,
            detail,
            timeout,
            members: Vec::new(),
            present: Vec::new(),
            direct_hash,
            recording,
            target: 0,
            tm_create,
            tm_update: Some(tm_create),
            tm_end: None,
            tm_delete: None,
        });
        self.conference_index.insert(id, self.conferences.len() - 1);
        let r = self.conferences.len() - 1;
        self.emit_conference("conference_created", r);
        r
    }

    /// A live conference's timeout, if it has one, ends it no sooner than `margin` from now.
    pub(super) fn keep_open(&mut self, r: usize, margin: Micros) {
        let rm = &mut self.conferences[r];
        if rm.timeout == 0 {
            return;
        }
        let needed = (self.now + margin - rm.tm_create).max(0);
        let hours = (needed + HOUR - 1) / HOUR;
        rm.timeout = rm.timeout.max(hours * 3600);
    }

    /// `n` joined participants who arrived within `window` before now.
    pub(super) fn seed_participants(&mut self, conference: usize, n: usize, window: Micros) {
        let (conference_id, customer, created) = (
            self.conferences[conference].id,
            self.conferences[conference].customer,
            self.conferences[conference].tm_create,
        );
        let from = (self.now - window).max(created + SECOND);
        let mut times: Vec<Micros> = (0..n)
            .map(|_| self.between(from, self.now - 5 * SECOND))
            .collect();
        times.sort_unstable();
        for t in times {
            let id = self.create_participant(customer, conference_id, t, ParticipantStatus::Joined);
            let idx = self.participants.len() - 1;
            self.participants[idx].tm_update = Some(t + 2 * SECOND);
            self.conferences[conference].members.push(id);
            let call_began = self.calls[self.calls.len() - 1].tm_create;
            self.limit_call(id, call_began);
        }
        if self.conferences[conference].kind == ConferenceKind::Connect && n == 2 {
            // One leg rang in, the other was dialled out.
            let last = self.calls.len() - 1;
            self.calls[last].incoming = false;
            let call = &mut self.calls[last];
            std::mem::swap(&mut call.source, &mut call.destination);
        }
    }

    /// Creates a participant and its call (appended unsorted; callers sort or keep order).
    pub(super) fn create_participant(
        &mut self,
        customer: usize,
        conference: Uuid,
        t: Micros,
        status: ParticipantStatus,
    ) -> Uuid {
        let id = self.uuid();
        let lead = self.rng.i64(SECOND..4 * SECOND);
        let call = self.new_call(customer, t - lead);
        let activeflow = self.calls[self.calls.len() - 1].activeflow_id;
        self.participants.push(Participant {
            garbled: false,
            shown_created: None,
            id,
            customer,
            conference,
            call,
            activeflow,
            status,
            tm_create: t,
            tm_update: None,
        });
        if status.is_live()
            && let Some(&r) = self.conference_index.get(&conference)
        {
            self.conferences[r].present.push(id);
        }
        id
    }

    pub(super) fn new_call(&mut self, customer: usize, t: Micros) -> Uuid {
        let id = self.uuid();
        let flow_id = self.uuid();
        let activeflow_id = self.uuid();
        let local = Addr {
            kind: "tel",
            target: names::local_number(&mut self.rng),
            target_name: String::new(),
        };
        let mut owner_agent = None;
        let remote = match self.rng.u8(..10) {
            0..=5 => Addr {
                kind: "tel",
                target: names::phone(&mut self.rng),
                // Some callers withhold their name.
                target_name: if self.rng.u8(..5) == 0 {
                    String::new()
                } else {
                    names::person(&mut self.rng)
                },
            },
            6..=7 => Addr {
                kind: "sip",
                target: names::sip_uri(&mut self.rng),
                target_name: names::person(&mut self.rng),
            },
            _ => {
                let agent = self.uuid();
                owner_agent = Some(agent);
                Addr {
                    kind: "agent",
                    target: agent.to_string(),
                    target_name: names::agent(&mut self.rng),
                }
            }
        };
        let incoming = self.rng.u8(..4) != 0;
        let (source, destination) = if incoming {
            (remote, local)
        } else {
            (local, remote)
        };
        let ring = t + self.rng.i64(100_000..SECOND);
        let progressing = ring + self.rng.i64(SECOND..6 * SECOND);
        self.calls.push(CallRec {
            id,
            customer,
            flow_id,
            activeflow_id,
            owner_agent,
            incoming,
            source,
            destination,
            status: "progressing",
            hangup_by: "",
            hangup_reason: "",
            mute_direction: "",
            tm_create: t,
            tm_ringing: Some(ring),
            tm_progressing: Some(progressing),
            tm_hangup: None,
            tm_update: Some(progressing),
        });
        id
    }

    /// Sorts every table by creation time and rebuilds the indexes. Creation times are made
    /// unique, as the server's microsecond clock makes them in practice, except that with
    /// `ties` every n-th history record shares its predecessor's, to reproduce the page
    /// boundary skip of the server's strict `tm_create < token` (API.md §2).
    pub(super) fn reindex(&mut self) {
        self.participants.sort_by_key(|p| p.tm_create);
        for i in 1..self.participants.len() {
            if self.participants[i].tm_create <= self.participants[i - 1].tm_create {
                self.participants[i].tm_create = self.participants[i - 1].tm_create + 1;
            }
        }
        if self.scenario.ties > 0 {
            let history = self
                .participants
                .iter()
                .take_while(|p| !p.status.is_live())
                .count();
            for i in (self.scenario.ties..history).step_by(self.scenario.ties) {
                self.participants[i].tm_create = self.participants[i - 1].tm_create;
            }
        }
        self.calls.sort_by_key(|c| c.tm_create);
        for i in 1..self.calls.len() {
            if self.calls[i].tm_create <= self.calls[i - 1].tm_create {
                self.calls[i].tm_create = self.calls[i - 1].tm_create + 1;
            }
        }
        self.conferences.sort_by_key(|r| r.tm_create);
        self.participant_index = self
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        self.call_index = self
            .calls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        self.conference_index = self
            .conferences
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
    }

    pub(super) fn stay(&mut self, kind: ConferenceKind) -> Micros {
        let mean = match kind {
            ConferenceKind::Conference => self.scenario.mean_stay(),
            ConferenceKind::Connect | ConferenceKind::Queue => {
                self.scenario.mean_stay().min(4 * MINUTE)
            }
        };
        self.exp(mean).clamp(5 * SECOND, MAX_STAY)
    }

    pub(super) fn arrival_gap(&mut self) -> Micros {
        let mean = (60.0 / self.scenario.churn_per_min * SECOND as f64) as Micros;
        self.exp(mean.max(1)).max(1)
    }
}
