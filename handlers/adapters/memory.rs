//! In-memory fakes of the ports, with the same conditional semantics as the AWS adapters, for
//! unit tests, property tests and benchmarks.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::model::{ConfigItem, MarkerState, NotifyMarker, RecordClaim, RequestItem};
use crate::ports::{
    ApplyOutcome, ClaimOutcome, ConfigReader, ConfigTable, DeadLetters, FlowState, FlowStatus,
    Flows, GuardLedger, Message, NotifyLedger, ObjectError, ObjectReader, ObjectWriter, PortError,
    ReadItem, RecordOutcome, Redelivery, Topic,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredItem {
    Config(ConfigItem),
    Request(RequestItem),
    Claim(RecordClaim),
    Marker(NotifyMarker),
}

type Key = (String, String);

#[derive(Default)]
pub struct MemoryTable {
    items: Mutex<BTreeMap<Key, StoredItem>>,
    /// flow-guard counters: (flow, hour) -> (reactivations, alert kinds claimed).
    guard: Mutex<BTreeMap<Key, GuardEntry>>,
    unavailable: Outage,
    /// Calls still to fail transiently (one throttled call at a time)...
    failing: AtomicU32,
    /// ...once this many more calls have gone through.
    passing: AtomicU32,
}

impl MemoryTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// While set, every call fails with a transient error and changes nothing.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Key, StoredItem>> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        locked(&self.items)
    }

    /// The next `calls` calls fail with a transient error and change nothing.
    pub fn fail_next(&self, calls: u32) {
        self.fail_after(0, calls);
    }

    /// After `ok` more calls go through, the next `calls` fail transiently.
    pub fn fail_after(&self, ok: u32, calls: u32) {
        self.passing.store(ok, Ordering::SeqCst);
        self.failing.store(calls, Ordering::SeqCst);
    }

    fn check_available(&self) -> Result<(), PortError> {
        let passed = self
            .passing
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let throttled = !passed
            && self
                .failing
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        if throttled {
            return Err(PortError::Transient(
                "memory table throttled this call".into(),
            ));
        }
        self.unavailable.check("memory table")
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub fn requests(&self) -> Vec<RequestItem> {
        self.lock()
            .values()
            .filter_map(|i| match i {
                StoredItem::Request(r) => Some(r.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn config(&self, pk: &str, sk: &str) -> Option<ConfigItem> {
        match self.lock().get(&(pk.to_string(), sk.to_string())) {
            Some(StoredItem::Config(c)) => Some(c.clone()),
            _ => None,
        }
    }
}

impl ConfigTable for MemoryTable {
    async fn apply_change(
        &self,
        config: &ConfigItem,
        request: &RequestItem,
    ) -> Result<ApplyOutcome, PortError> {
        self.check_available()?;
        let mut items = self.lock();
        let Some(new) = NewRequest::of(&items, request) else {
            return Ok(ApplyOutcome::Duplicate);
        };
        let config_key = (config.pk.clone(), config.sk.clone());
        if let Some(StoredItem::Config(existing)) = items.get(&config_key) {
            if order(existing) >= order(config) {
                return Ok(ApplyOutcome::Superseded);
            }
        }
        new.write(&mut items);
        items.insert(config_key, StoredItem::Config(config.clone()));
        Ok(ApplyOutcome::Applied)
    }

    async fn record_request(&self, request: &RequestItem) -> Result<RecordOutcome, PortError> {
        self.check_available()?;
        let mut items = self.lock();
        let Some(new) = NewRequest::of(&items, request) else {
            return Ok(RecordOutcome::Duplicate);
        };
        new.write(&mut items);
        Ok(RecordOutcome::Recorded)
    }

    async fn has_requests(&self, record_id: &str) -> Result<bool, PortError> {
        self.check_available()?;
        let pk = crate::model::request_pk(record_id);
        Ok(self.lock().keys().any(|(p, _)| *p == pk))
    }
}

/// A request item and its record's claim, neither of which exists yet.
struct NewRequest {
    request: RequestItem,
    claim: RecordClaim,
}

impl NewRequest {
    /// `None` when the request item or the claim exists: a duplicate.
    fn of(items: &BTreeMap<Key, StoredItem>, request: &RequestItem) -> Option<Self> {
        let claim = RecordClaim::for_request(request);
        let taken = items.contains_key(&(request.pk.clone(), request.sk.clone()))
            || items.contains_key(&(claim.pk.clone(), claim.sk.clone()));
        (!taken).then(|| NewRequest {
            request: request.clone(),
            claim,
        })
    }

    fn write(self, items: &mut BTreeMap<Key, StoredItem>) {
        let NewRequest { request, claim } = self;
        items.insert(
            (claim.pk.clone(), claim.sk.clone()),
            StoredItem::Claim(claim),
        );
        items.insert(
            (request.pk.clone(), request.sk.clone()),
            StoredItem::Request(request),
        );
    }
}

impl MemoryTable {
    /// A request item as one written before claims existed: no claim beside it.
    pub fn insert_unclaimed_request(&self, request: RequestItem) {
        self.lock().insert(
            (request.pk.clone(), request.sk.clone()),
            StoredItem::Request(request),
        );
    }

    /// The claim on a record, if any.
    pub fn claim(&self, record_id: &str) -> Option<RecordClaim> {
        let key = (
            crate::model::claim_pk(record_id),
            crate::model::CLAIM_SK.to_string(),
        );
        match self.lock().get(&key) {
            Some(StoredItem::Claim(c)) => Some(c.clone()),
            _ => None,
        }
    }
}

impl ConfigReader for MemoryTable {
    async fn get_config(
        &self,
        region: &str,
        sort_keys: &[String],
    ) -> Result<Vec<ReadItem>, PortError> {
        self.check_available()?;
        let pk = crate::model::region_pk(region);
        let items = self.lock();
        // Typed items are always readable.
        Ok(sort_keys
            .iter()
            .filter_map(|sk| match items.get(&(pk.clone(), sk.clone())) {
                Some(StoredItem::Config(c)) => Some(Ok(c.into())),
                _ => None,
            })
            .collect())
    }
}

/// flow-guard's counter item for one flow and hour: (reactivations, alert kinds claimed).
type GuardEntry = (u32, BTreeSet<String>);

impl MemoryTable {
    /// Runs `f` on the counter item of `flow` and `hour`, created empty if absent.
    fn with_guard_entry<R>(
        &self,
        flow: &str,
        hour: &str,
        f: impl FnOnce(&mut GuardEntry) -> R,
    ) -> Result<R, PortError> {
        self.check_available()?;
        let mut guard = locked(&self.guard);
        Ok(f(guard
            .entry((flow.to_string(), hour.to_string()))
            .or_default()))
    }
}

impl GuardLedger for MemoryTable {
    async fn count_reactivation(
        &self,
        flow: &str,
        hour: &str,
        max: u32,
        _ttl: i64,
    ) -> Result<bool, PortError> {
        self.with_guard_entry(flow, hour, |(count, _)| {
            let below = *count < max;
            if below {
                *count += 1;
            }
            below
        })
    }

    async fn claim_alert(
        &self,
        flow: &str,
        hour: &str,
        kind: &str,
        _ttl: i64,
    ) -> Result<bool, PortError> {
        self.with_guard_entry(flow, hour, |(_, kinds)| kinds.insert(kind.to_string()))
    }

    async fn release_alert(&self, flow: &str, hour: &str, kind: &str) -> Result<(), PortError> {
        self.with_guard_entry(flow, hour, |(_, kinds)| {
            kinds.remove(kind);
        })
    }
}

impl NotifyLedger for MemoryTable {
    async fn claim(&self, marker: &NotifyMarker) -> Result<ClaimOutcome, PortError> {
        self.check_available()?;
        let mut items = self.lock();
        let key = (marker.pk.clone(), marker.sk.clone());
        if let Some(StoredItem::Marker(existing)) = items.get(&key) {
            if existing.state == MarkerState::Sent {
                return Ok(ClaimOutcome::AlreadySent);
            }
        }
        items.insert(key, StoredItem::Marker(marker.clone()));
        Ok(ClaimOutcome::Claimed)
    }

    async fn mark_sent(&self, marker: &NotifyMarker) -> Result<(), PortError> {
        self.check_available()?;
        let sent = marker.with_state(MarkerState::Sent);
        self.lock()
            .insert((sent.pk.clone(), sent.sk.clone()), StoredItem::Marker(sent));
        Ok(())
    }
}

#[derive(Default)]
pub struct MemoryObjects {
    objects: Mutex<BTreeMap<Key, Vec<u8>>>,
    /// Keys whose writes fail with a transient error.
    failing_keys: Mutex<Vec<String>>,
}

impl MemoryObjects {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        locked(&self.objects).insert((bucket.to_string(), key.to_string()), body.into());
    }

    /// Makes every write of `key` fail with a transient error.
    pub fn fail_writes_to(&self, key: &str) {
        locked(&self.failing_keys).push(key.to_string());
    }

    /// Writes succeed again.
    pub fn stop_failing(&self) {
        locked(&self.failing_keys).clear();
    }

    /// Every stored object, keyed by (bucket, key).
    pub fn all(&self) -> BTreeMap<(String, String), Vec<u8>> {
        locked(&self.objects).clone()
    }
}

impl ObjectWriter for MemoryObjects {
    async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        _content_type: &str,
    ) -> Result<(), ObjectError> {
        let failing = locked(&self.failing_keys).iter().any(|k| k == key);
        if failing {
            return Err(ObjectError::Transient(format!(
                "writes to {key} set to fail"
            )));
        }
        self.put(bucket, key, body);
        Ok(())
    }
}

/// A topic that keeps what was published.
#[derive(Default)]
pub struct MemoryTopic {
    published: Mutex<Vec<Message>>,
    unavailable: Outage,
}

impl MemoryTopic {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn published(&self) -> Vec<Message> {
        locked(&self.published).clone()
    }

    /// While set, every publish fails with a transient error.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }
}

impl Topic for MemoryTopic {
    async fn publish(&self, message: &Message) -> Result<(), PortError> {
        self.unavailable.check("memory topic")?;
        locked(&self.published).push(message.clone());
        Ok(())
    }
}

/// A queue that keeps what was sent to it as a dead-letter queue, (body, reason), and the
/// redelivery delays set on messages received from it, (receipt handle, seconds).
#[derive(Default)]
pub struct MemoryQueue {
    sent: Mutex<Vec<(String, String)>>,
    delays: Mutex<Vec<(String, i32)>>,
    unavailable: Outage,
}

impl MemoryQueue {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn sent(&self) -> Vec<(String, String)> {
        locked(&self.sent).clone()
    }

    pub fn delays(&self) -> Vec<(String, i32)> {
        locked(&self.delays).clone()
    }

    /// While set, every send fails with a transient error.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }
}

impl DeadLetters for MemoryQueue {
    async fn send(&self, body: &str, reason: &str) -> Result<(), PortError> {
        self.unavailable.check("memory queue")?;
        locked(&self.sent).push((body.to_string(), reason.to_string()));
        Ok(())
    }
}

impl Redelivery for MemoryQueue {
    async fn delay(
        &self,
        _queue_arn: &str,
        receipt_handle: &str,
        seconds: i32,
    ) -> Result<(), PortError> {
        self.unavailable.check("memory queue")?;
        locked(&self.delays).push((receipt_handle.to_string(), seconds));
        Ok(())
    }
}

impl ObjectReader for MemoryObjects {
    async fn get_bounded(&self, bucket: &str, key: &str, max: u64) -> Result<Vec<u8>, ObjectError> {
        let objects = locked(&self.objects);
        match objects.get(&(bucket.to_string(), key.to_string())) {
            None => Err(ObjectError::NotFound {
                bucket: bucket.to_string(),
                key: key.to_string(),
            }),
            Some(body) if body.len() as u64 > max => Err(ObjectError::TooLarge {
                bucket: bucket.to_string(),
                key: key.to_string(),
                size: body.len() as u64,
                limit: max,
            }),
            Some(body) => Ok(body.clone()),
        }
    }
}

/// AppFlow in memory: flows with a status, and every call made, in order.
#[derive(Default)]
pub struct MemoryFlows {
    flows: Mutex<BTreeMap<String, FlowState>>,
    calls: Mutex<Vec<String>>,
    denials: Mutex<u32>,
    start_denials: Mutex<u32>,
}

impl MemoryFlows {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&self, flow: &str, status: &str, last_run_error: Option<&str>) {
        locked(&self.flows).insert(
            flow.to_string(),
            FlowState {
                status: FlowStatus::from(status),
                last_run_error: last_run_error.map(str::to_string),
            },
        );
    }

    pub fn status(&self, flow: &str) -> Option<String> {
        locked(&self.flows).get(flow).map(|f| f.status.to_string())
    }

    /// The next `n` calls answer access denied, as AppFlow does while a new role policy has
    /// not propagated through IAM.
    pub fn deny_next(&self, n: u32) {
        *locked(&self.denials) = n;
    }

    /// The next `n` StartFlow calls answer access denied (after any pending `deny_next`).
    pub fn deny_starts(&self, n: u32) {
        *locked(&self.start_denials) = n;
    }

    /// Calls as `"describe <flow>"`, `"start <flow>"`, `"stop <flow>"`.
    pub fn calls(&self) -> Vec<String> {
        locked(&self.calls).clone()
    }

    /// Records the call; `Err` while denials are pending.
    fn record(&self, call: &str, flow: &str) -> Result<(), PortError> {
        locked(&self.calls).push(format!("{call} {flow}"));
        take_denial(&self.denials, call, flow)
    }

    fn set_status(&self, flow: &str, status: &str) -> Result<(), PortError> {
        match locked(&self.flows).get_mut(flow) {
            Some(f) => {
                f.status = FlowStatus::from(status);
                Ok(())
            }
            None => Err(PortError::Permanent(format!("flow {flow} not found"))),
        }
    }
}

/// One pending denial used up: access denied, as AppFlow answers before IAM has propagated.
fn take_denial(pending: &Mutex<u32>, call: &str, flow: &str) -> Result<(), PortError> {
    let mut pending = locked(pending);
    if *pending == 0 {
        return Ok(());
    }
    *pending -= 1;
    Err(PortError::Denied(format!(
        "AccessDeniedException: not authorized to perform appflow:{call} on {flow}"
    )))
}

impl Flows for MemoryFlows {
    async fn describe(&self, flow: &str) -> Result<Option<FlowState>, PortError> {
        self.record("describe", flow)?;
        Ok(locked(&self.flows).get(flow).cloned())
    }

    async fn start(&self, flow: &str) -> Result<(), PortError> {
        self.record("start", flow)?;
        take_denial(&self.start_denials, "StartFlow", flow)?;
        self.set_status(flow, "Active")
    }

    async fn stop(&self, flow: &str) -> Result<(), PortError> {
        self.record("stop", flow)?;
        self.set_status(flow, "Suspended")
    }
}

/// The order in which changes to one item apply, as the DynamoDB adapter's condition
/// (`CONFIG_IS_OLDER`) compares them: (`event_time`, `event_id`).
fn order(item: &ConfigItem) -> (&str, &str) {
    (&item.event_time, &item.event_id)
}

/// The data behind a lock, even after a test panicked while holding it.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// A switch a test turns on to make every call of a fake fail transiently, as an outage would.
#[derive(Default)]
struct Outage(AtomicBool);

impl Outage {
    fn set(&self, on: bool) {
        self.0.store(on, Ordering::SeqCst);
    }

    fn check(&self, what: &str) -> Result<(), PortError> {
        if self.0.load(Ordering::SeqCst) {
            Err(PortError::Transient(format!("{what} set unavailable")))
        } else {
            Ok(())
        }
    }
}
