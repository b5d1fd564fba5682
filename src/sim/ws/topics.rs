//! Topic strings: which ones a client may subscribe to, and which ones an event is published on
//! (API.md §6, "Topic validation" and "Which topics an event is published on").

use uuid::Uuid;

use crate::sim::world::Event;

/// Who a websocket belongs to, for topic validation.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub customer: Uuid,
    /// The agent, when an agent's JWT opened the socket; an access key has none.
    pub agent: Option<Uuid>,
}

/// A topic fails validation when its scope is unknown or its id is not the caller's own.
pub fn valid(topic: &str, owner: &Owner) -> bool {
    let mut parts = topic.split(':');
    let (Some(scope), Some(id)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(id) = Uuid::parse_str(id) else {
        return false;
    };
    if id.is_nil() {
        return false;
    }
    match scope {
        "customer_id" => id == owner.customer,
        "agent_id" => owner.agent == Some(id),
        _ => false,
    }
}

/// The old-format and new-format topics of an event, for the customer and, when the record
/// has an owner, for the owning agent.
pub fn of_event(customer: Uuid, event: &Event) -> Vec<String> {
    let (resource, kind, id) = (event.resource(), event.kind, event.id());
    let mut scopes = vec![format!("customer_id:{customer}")];
    if let Some(owner) = event.owner() {
        scopes.push(format!("agent_id:{owner}"));
    }
    scopes
        .iter()
        .flat_map(|s| {
            [
                format!("{s}:{resource}:{id}"),
                format!("{s}:{resource}:{kind}:{id}"),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_callers_own_ids_pass() {
        let c = Uuid::from_u128(0x1234);
        let a = Uuid::from_u128(0x5678);
        let agent = Owner {
            customer: c,
            agent: Some(a),
        };
        let key = Owner {
            customer: c,
            agent: None,
        };
        assert!(valid(&format!("customer_id:{c}"), &key));
        assert!(valid(
            &format!("customer_id:{c}:conference:conference_"),
            &key
        ));
        assert!(valid(&format!("agent_id:{a}:call"), &agent));
        assert!(!valid(&format!("agent_id:{a}:call"), &key));
        assert!(!valid(&format!("customer_id:{a}:call"), &agent));
        assert!(!valid(&format!("customer_id:{}:call", Uuid::nil()), &key));
        assert!(!valid(&format!("owner_id:{c}:call"), &key));
        assert!(!valid("customer_id", &key));
        assert!(!valid("customer_id:not-a-uuid:call", &key));
    }
}
