//! The change stamps of a shared SurrealDB server, read for many polls in one query. Every kept
//! read there asks the database for its stamps first, and a round trip per poll made an empty poll
//! cost nearly what reading the value did. Polls that ask while a read is under way wait for the
//! next one, which then reads the stamps of all of them at once: a batch's query starts only after
//! each of its polls asked, so it sees every write that committed before any of them began, as a
//! read of their own would. At most one read is under way per server.
//!
//! Within one request (`reads_as_one`), each stamp row is read once: a poll's reads all guard
//! themselves with stamps of the same booking or location, and one wait for a shared read is then
//! enough. That answers as if every read of the request happened at its first, which a request
//! that is under way cannot tell apart; a write in it forgets them, so it reads its own writes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use surrealdb::types::{RecordId, SurrealValue, Uuid};
use tokio::sync::oneshot;

use super::database::Database;

/// Enough for any burst of polls; a longer queue waits for the next read.
const MOST_ROWS_PER_READ: usize = 2_000;

type Answer = Result<Arc<HashMap<RecordId, Uuid>>, surrealdb::Error>;

tokio::task_local! {
    /// The stamps this request has read so far (`reads_as_one`).
    static READ_IN_THIS_REQUEST: RefCell<ReadInRequest>;
}

#[derive(Default)]
struct ReadInRequest {
    stamps: HashMap<RecordId, Option<Uuid>>,
    /// How many times the request wrote.
    writes: u64,
}

/// Runs one request's reads: each stamp row it depends on is read from a shared database once,
/// until the request writes. (An embedded database's stamps are in memory and need none of this.)
pub async fn reads_as_one<F: Future>(request: F) -> F::Output {
    READ_IN_THIS_REQUEST.scope(RefCell::default(), request).await
}

/// This request wrote: what it read before may have changed.
pub(crate) fn forget_read_stamps() {
    let _ = READ_IN_THIS_REQUEST.try_with(|read| {
        let mut read = read.borrow_mut();
        read.stamps.clear();
        read.writes += 1;
    });
}

pub(crate) struct SharedStamps {
    queue: Arc<Mutex<Queue>>,
}

#[derive(Default)]
struct Queue {
    /// Whether a task is reading stamps (and will read again for whoever is waiting).
    reading: bool,
    waiting: Vec<Asked>,
}

struct Asked {
    rows: Vec<RecordId>,
    answer: oneshot::Sender<Answer>,
}

#[derive(SurrealValue)]
struct StampRow {
    id: RecordId,
    v: Uuid,
}

impl SharedStamps {
    pub(crate) fn new() -> Self {
        SharedStamps { queue: Arc::default() }
    }

    /// What the stamp rows hold now (`None` for a row never written): read after this call began,
    /// or earlier in the same request (`reads_as_one`), which keeps those `ahead` read along.
    pub(crate) async fn seen(
        &self,
        db: &Database,
        rows: &[RecordId],
        ahead: &[RecordId],
    ) -> Result<Vec<Option<Uuid>>, surrealdb::Error> {
        let (mut known, along, writes) = READ_IN_THIS_REQUEST
            .try_with(|earlier| {
                let earlier = earlier.borrow();
                let known = rows.iter().filter_map(|row| Some((row.clone(), *earlier.stamps.get(row)?)));
                let along = ahead.iter().filter(|row| !earlier.stamps.contains_key(*row)).cloned();
                (known.collect::<HashMap<_, _>>(), along.collect::<Vec<_>>(), Some(earlier.writes))
            })
            .unwrap_or_default();
        let mut unread: Vec<RecordId> = rows.iter().filter(|row| !known.contains_key(*row)).cloned().collect();
        if !unread.is_empty() {
            // What the request reads next comes along in the same wait.
            let along: Vec<RecordId> = along.into_iter().filter(|row| !unread.contains(row)).collect();
            unread.extend(along);
            let read = self.read(db, unread.clone()).await?;
            let read: Vec<_> = unread.into_iter().map(|row| (row.clone(), read.get(&row).copied())).collect();
            let _ = READ_IN_THIS_REQUEST.try_with(|earlier| {
                let mut earlier = earlier.borrow_mut();
                // A write of this request (in a join) while reading: what was read may predate it.
                if Some(earlier.writes) == writes {
                    earlier.stamps.extend(read.iter().cloned());
                }
            });
            known.extend(read);
        }
        Ok(rows.iter().map(|row| known[row]).collect())
    }

    /// The stamps of `rows`, in a shared read that starts after this call.
    async fn read(&self, db: &Database, rows: Vec<RecordId>) -> Answer {
        let (answer, answered) = oneshot::channel();
        let lead = {
            let mut queue = lock(&self.queue);
            queue.waiting.push(Asked { rows, answer });
            !std::mem::replace(&mut queue.reading, true)
        };
        if lead {
            tokio::spawn(read_while_asked(db.clone(), self.queue.clone()));
        }
        answered
            .await
            .unwrap_or_else(|_| Err(surrealdb::Error::internal("the stamp read ended without an answer".to_owned())))
    }
}

fn lock(queue: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    // The queue holds no invariant a panic elsewhere could break halfway.
    queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads the stamps for everyone waiting, again and again until no one is.
async fn read_while_asked(db: Database, queue: Arc<Mutex<Queue>>) {
    // Should this task end early (a panic, or its runtime shutting down), the next caller starts
    // another; on the way out below it has already handed over under the lock.
    struct Unfinished(Option<Arc<Mutex<Queue>>>);
    impl Drop for Unfinished {
        fn drop(&mut self) {
            if let Some(queue) = self.0.take() {
                lock(&queue).reading = false;
            }
        }
    }
    let mut unfinished = Unfinished(Some(queue.clone()));
    loop {
        let batch = {
            let mut queue = lock(&queue);
            let mut rows = 0;
            let take = queue
                .waiting
                .iter()
                .take_while(|asked| {
                    rows += asked.rows.len();
                    rows <= MOST_ROWS_PER_READ
                })
                .count()
                .max(1);
            let take = take.min(queue.waiting.len());
            if take == 0 {
                queue.reading = false;
                unfinished.0 = None;
                return;
            }
            queue.waiting.drain(..take).collect::<Vec<_>>()
        };
        let mut rows: Vec<RecordId> = batch.iter().flat_map(|asked| asked.rows.iter().cloned()).collect();
        rows.sort_unstable();
        rows.dedup();
        let answer: Answer = async {
            // The stamps as they are stored: a cast to text cost SurrealDB a fifth of its throughput.
            let found: Vec<StampRow> = db.read("SELECT id, v FROM $rows").bind(("rows", rows)).await?.take(0)?;
            Ok(Arc::new(found.into_iter().map(|row| (row.id, row.v)).collect()))
        }
        .await;
        for asked in batch {
            // A caller that stopped waiting no longer needs its answer.
            let _ = asked.answer.send(answer.clone());
        }
    }
}
