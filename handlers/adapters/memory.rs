//! In-memory fakes of the ports, with the same conditional semantics as the AWS adapters, for
//! unit tests, property tests and benchmarks.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::model::{ConfigItem, RequestItem};
use crate::ports::{
    ApplyOutcome, ConfigTable, ObjectError, ObjectReader, RecordOutcome, StoreError,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredItem {
    Config(ConfigItem),
    Request(RequestItem),
}

type Key = (String, String);

#[derive(Default)]
pub struct MemoryTable {
    items: Mutex<BTreeMap<Key, StoredItem>>,
    unavailable: AtomicBool,
}

impl MemoryTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// While set, every call fails with a transient error and changes nothing.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.store(unavailable, Ordering::SeqCst);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Key, StoredItem>> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn check_available(&self) -> Result<(), StoreError> {
        if self.unavailable.load(Ordering::SeqCst) {
            Err(StoreError::Transient("memory table set unavailable".into()))
        } else {
            Ok(())
        }
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
                StoredItem::Config(_) => None,
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
    ) -> Result<ApplyOutcome, StoreError> {
        self.check_available()?;
        let mut items = self.lock();
        let request_key = (request.pk.clone(), request.sk.clone());
        if items.contains_key(&request_key) {
            return Ok(ApplyOutcome::Duplicate);
        }
        let config_key = (config.pk.clone(), config.sk.clone());
        if let Some(StoredItem::Config(existing)) = items.get(&config_key) {
            if existing.order() >= config.order() {
                return Ok(ApplyOutcome::Superseded);
            }
        }
        items.insert(request_key, StoredItem::Request(request.clone()));
        items.insert(config_key, StoredItem::Config(config.clone()));
        Ok(ApplyOutcome::Applied)
    }

    async fn record_request(&self, request: &RequestItem) -> Result<RecordOutcome, StoreError> {
        self.check_available()?;
        let mut items = self.lock();
        let key = (request.pk.clone(), request.sk.clone());
        if items.contains_key(&key) {
            return Ok(RecordOutcome::Duplicate);
        }
        items.insert(key, StoredItem::Request(request.clone()));
        Ok(RecordOutcome::Recorded)
    }
}

#[derive(Default)]
pub struct MemoryObjects {
    objects: Mutex<BTreeMap<Key, Vec<u8>>>,
}

impl MemoryObjects {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        self.objects
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((bucket.to_string(), key.to_string()), body.into());
    }
}

impl ObjectReader for MemoryObjects {
    async fn get_bounded(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: u64,
    ) -> Result<Vec<u8>, ObjectError> {
        let objects = self.objects.lock().unwrap_or_else(|p| p.into_inner());
        match objects.get(&(bucket.to_string(), key.to_string())) {
            None => Err(ObjectError::NotFound {
                bucket: bucket.to_string(),
                key: key.to_string(),
            }),
            Some(body) if body.len() as u64 > max_bytes => Err(ObjectError::TooLarge {
                bucket: bucket.to_string(),
                key: key.to_string(),
                size: body.len() as u64,
                limit: max_bytes,
            }),
            Some(body) => Ok(body.clone()),
        }
    }
}
