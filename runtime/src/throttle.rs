//! A throttle between a controller's watch events and kube-runtime's scheduler.
//!
//! kube-runtime's scheduler takes every request it is offered at once and holds those that
//! wait for a free worker in hash maps that never give back their room. The initial list of
//! a large cache offers one request per object within a second, so a controller of 10,000
//! objects kept about 2 MiB of empty map for good after that burst drained. [`Throttle`]
//! keeps the burst in a queue of its own instead, merges repeated requests for one object as
//! the scheduler would, hands on only a few per worker at a time, and returns its room once
//! it drains, as the workqueue does.
//!
//! The bookkeeping is exact, per object, so that the throttle cannot stall a controller: an
//! object handed on counts until kube-runtime either starts its reconcile
//! ([`ThrottleHandle::started`]) or reports it gone from the cache
//! ([`ThrottleHandle::forget`]). Those are the only two ways a request leaves the scheduler:
//! a request for an object the scheduler already holds merges into that one, which then
//! starts; so the throttle hands on no second request for an object it counts.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use futures::Stream;
use futures::StreamExt;
use futures::stream::Fuse;
use kube::core::Resource;
use kube_runtime::controller::ReconcileRequest;

use crate::workqueue::QueueKey;

/// Requests handed on per worker: enough that a worker never waits for the next one (each
/// spends about a millisecond in the scheduler's timer before it can run), few enough that
/// the scheduler's maps stay small.
const HANDED_PER_WORKER: usize = 4;
/// The least a controller hands on, however few its workers.
const HANDED_MIN: usize = 16;
/// The room an emptied queue keeps (as the workqueue does).
const KEPT: usize = 64;

/// Throttles `requests` for a controller of `concurrency` workers. The handle reports to the
/// throttle what became of the requests it handed on.
pub(crate) fn throttle<K, S>(requests: S, concurrency: u16) -> (Throttle<K, S>, ThrottleHandle)
where
    K: Resource,
    S: Stream,
{
    let handed = Arc::new(Mutex::new(Handed::default()));
    let throttle = Throttle {
        requests: requests.fuse(),
        queue: VecDeque::new(),
        queued: HashSet::new(),
        limit: (usize::from(concurrency) * HANDED_PER_WORKER).max(HANDED_MIN),
        handed: handed.clone(),
    };
    (throttle, ThrottleHandle { handed })
}

/// The requests of one controller, in the order they came, each object once.
pub(crate) struct Throttle<K: Resource, S> {
    requests: Fuse<S>,
    queue: VecDeque<ReconcileRequest<K>>,
    /// The objects in `queue`.
    queued: HashSet<QueueKey>,
    limit: usize,
    handed: Arc<Mutex<Handed>>,
}

/// The objects handed on that kube-runtime has neither started nor forgotten, and the task
/// to wake when one of them leaves.
#[derive(Default)]
struct Handed {
    keys: HashSet<QueueKey>,
    waker: Option<Waker>,
}

/// What a controller tells its [`Throttle`].
#[derive(Clone)]
pub(crate) struct ThrottleHandle {
    handed: Arc<Mutex<Handed>>,
}

impl ThrottleHandle {
    /// kube-runtime starts reconciling `key` (for a request of the throttle's or for a
    /// requeue of its own).
    pub(crate) fn started(&self, key: &QueueKey) {
        self.leave(key);
    }

    /// kube-runtime dropped its request for `key`: the object is not in the cache (deleted
    /// before its turn, or an owner that does not exist).
    pub(crate) fn forget(&self, key: &QueueKey) {
        self.leave(key);
    }

    fn leave(&self, key: &QueueKey) {
        let mut handed = lock(&self.handed);
        if handed.keys.remove(key)
            && let Some(waker) = handed.waker.take()
        {
            waker.wake();
        }
    }
}

fn lock(handed: &Mutex<Handed>) -> MutexGuard<'_, Handed> {
    handed.lock().unwrap_or_else(|e| e.into_inner())
}

fn key_of<K: Resource>(request: &ReconcileRequest<K>) -> QueueKey {
    (
        request.obj_ref.namespace.clone(),
        request.obj_ref.name.clone(),
    )
}

// Nothing of it is pinned: the stream only ever moves its requests.
impl<K: Resource, S: Unpin> Unpin for Throttle<K, S> {}

impl<K, S, E> Stream for Throttle<K, S>
where
    K: Resource,
    S: Stream<Item = Result<ReconcileRequest<K>, E>> + Unpin,
{
    type Item = Result<ReconcileRequest<K>, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // Take in everything that came, so that repeated requests merge here.
        loop {
            match this.requests.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(request))) => {
                    let key = key_of(&request);
                    // An object already queued keeps its place; one handed on is still in
                    // the scheduler, which would merge the two (kube-runtime keeps the first
                    // reason too).
                    if !this.queued.contains(&key) && !lock(&this.handed).keys.contains(&key) {
                        this.queued.insert(key);
                        this.queue.push_back(request);
                    }
                }
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                // The watches ended (shutdown): kube-runtime takes no new work.
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => break,
            }
        }
        let mut handed = lock(&this.handed);
        if handed.keys.len() >= this.limit {
            handed.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let Some(request) = this.queue.pop_front() else {
            return Poll::Pending;
        };
        let key = key_of(&request);
        this.queued.remove(&key);
        handed.keys.insert(key);
        drop(handed);
        if this.queue.is_empty() && this.queue.capacity() > KEPT {
            this.queue.shrink_to(KEPT);
            this.queued.shrink_to(KEPT);
        }
        Poll::Ready(Some(Ok(request)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::channel::mpsc;
    use futures::task::noop_waker_ref;
    use k8s_openapi::api::core::v1::ConfigMap;
    use kube_runtime::reflector::ObjectRef;

    type Request = Result<ReconcileRequest<ConfigMap>, std::io::Error>;

    fn request(name: &str) -> Request {
        Ok(ObjectRef::<ConfigMap>::new(name).within("default").into())
    }

    fn key(name: &str) -> QueueKey {
        (Some("default".into()), name.into())
    }

    fn poll(
        throttle: &mut Throttle<ConfigMap, mpsc::UnboundedReceiver<Request>>,
    ) -> Option<String> {
        let mut cx = Context::from_waker(noop_waker_ref());
        match Pin::new(throttle).poll_next(&mut cx) {
            Poll::Ready(Some(Ok(request))) => Some(request.obj_ref.name),
            Poll::Ready(other) => panic!("unexpected {other:?}"),
            Poll::Pending => None,
        }
    }

    #[test]
    fn hands_on_a_few_per_worker_and_one_more_for_each_that_leaves() {
        let (tx, rx) = mpsc::unbounded();
        let (mut throttle, handle) = throttle::<ConfigMap, _>(rx, 1);
        for n in 0..100 {
            tx.unbounded_send(request(&format!("o{n}"))).unwrap();
        }
        let handed: Vec<_> = std::iter::from_fn(|| poll(&mut throttle)).collect();
        assert_eq!(handed.len(), HANDED_MIN, "{handed:?}");
        assert_eq!(handed[0], "o0", "in the order they came");

        handle.started(&key("o0"));
        handle.forget(&key("o1"));
        // A start of an object the throttle does not count (a requeue) frees nothing.
        handle.started(&key("o99"));
        assert_eq!(poll(&mut throttle).as_deref(), Some("o16"));
        assert_eq!(poll(&mut throttle).as_deref(), Some("o17"));
        assert_eq!(poll(&mut throttle), None);
    }

    #[test]
    fn merges_requests_for_an_object_queued_or_handed_on() {
        let (tx, rx) = mpsc::unbounded();
        let (mut throttle, handle) = throttle::<ConfigMap, _>(rx, 1);
        tx.unbounded_send(request("a")).unwrap();
        assert_eq!(poll(&mut throttle).as_deref(), Some("a"));
        for name in ["a", "b", "b", "a"] {
            tx.unbounded_send(request(name)).unwrap();
        }
        assert_eq!(poll(&mut throttle).as_deref(), Some("b"));
        assert_eq!(poll(&mut throttle), None, "a is still in the scheduler");

        // Once a started, a new change of it is a new request.
        handle.started(&key("a"));
        tx.unbounded_send(request("a")).unwrap();
        assert_eq!(poll(&mut throttle).as_deref(), Some("a"));
    }

    #[test]
    fn wakes_the_controller_when_a_handed_object_leaves() {
        let (tx, rx) = mpsc::unbounded();
        let (mut throttle, handle) = throttle::<ConfigMap, _>(rx, 1);
        for n in 0..=HANDED_MIN {
            tx.unbounded_send(request(&format!("o{n}"))).unwrap();
        }
        while poll(&mut throttle).is_some() {}
        let woken = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let waker = futures::task::waker(Arc::new(Flag(woken.clone())));
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut throttle).poll_next(&mut cx).is_pending());
        handle.started(&key("o3"));
        assert!(woken.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(
            poll(&mut throttle).as_deref(),
            Some(&*format!("o{HANDED_MIN}"))
        );
    }

    #[test]
    fn gives_back_the_room_of_a_burst_and_ends_with_its_input() {
        let (tx, rx) = mpsc::unbounded();
        let (mut throttle, handle) = throttle::<ConfigMap, _>(rx, 1);
        for n in 0..1000 {
            tx.unbounded_send(request(&format!("o{n}"))).unwrap();
        }
        for n in 0..1000 {
            assert_eq!(poll(&mut throttle), Some(format!("o{n}")));
            handle.started(&key(&format!("o{n}")));
        }
        assert!(
            throttle.queue.capacity() <= KEPT,
            "{}",
            throttle.queue.capacity()
        );
        assert!(throttle.queued.capacity() <= 2 * KEPT);
        drop(tx);
        let mut cx = Context::from_waker(noop_waker_ref());
        assert!(matches!(
            Pin::new(&mut throttle).poll_next(&mut cx),
            Poll::Ready(None)
        ));
    }

    struct Flag(Arc<std::sync::atomic::AtomicBool>);

    impl futures::task::ArcWake for Flag {
        fn wake_by_ref(flag: &Arc<Self>) {
            flag.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
}
