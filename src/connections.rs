//! Keeps the client to one TCP connection per call in flight.
//!
//! reqwest's pool (hyper-util's, underneath) opens a new connection whenever a request finds
//! no idle one, and races the connect against the pool: when a busy connection comes back
//! first, the request takes it and the new connection is finished on a task of its own and
//! kept idle. A connection comes back a moment after its response body has been read, on a task
//! of its own too. So a caller that sends its next request at once nearly always finds the
//! pool empty and opens a connection it does not need: a one-caller listing ran on two
//! connections, and 64 callers opened about a hundred.
//!
//! [`ConnectionBudget`] counts the calls of [`crate::Client`] in flight and the connections
//! the client opened. [`ReuseConnections`], a layer around reqwest's connector, opens a
//! connection at once only while calls outnumber connections. Otherwise one of the client's
//! connections is on its way back to the pool, unless the server closed it: the connect
//! waits up to [`RETURN_WINDOW`] first, and does not happen at all if the request got a pooled
//! connection in the meantime. The layer can tell, because the pool moves a connect it no
//! longer needs to a task of its own, where no call is running ([`transport::in_call`]).
//!
//! The wait counts towards the connect timeout, which reqwest applies around this layer (and
//! shares among a host's addresses), so it takes no more than a quarter of that timeout.
//!
//! A connection is counted when a connect within the budget starts. It is uncounted when the
//! connect fails or is dropped, and when an attempt of a call loses its connection
//! ([`ConnectionUse`]): the body was not read to its end, the server closes the connection
//! after the answer (`Connection: close`, HTTP/1.0, a body that ends with the connection),
//! the request failed on it, or the call was cancelled while it had one.
//!
//! A connection the server closes while it sits idle goes unseen: the next request that needs
//! a new one, if another call ended just before, waits up to [`RETURN_WINDOW`] in vain before
//! it connects. A connection that comes back after the window leaves the count one too low,
//! which allows one connection more than calls until the count is right again.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use reqwest::header::{CONNECTION, HeaderValue, TRANSFER_ENCODING};

use crate::transport;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long a request that found no idle connection waits for a busy one to come back before
/// it opens one. A connection comes back within two polls of tasks that are ready to run:
/// microseconds, or a millisecond or so on a loaded machine.
pub(crate) const RETURN_WINDOW: Duration = Duration::from_millis(20);

/// The calls in flight and the connections opened for them, shared by a client's clones and
/// its connector.
#[derive(Debug)]
pub(crate) struct ConnectionBudget {
    calls: AtomicUsize,
    /// Connections opened that have not been seen to close.
    connections: AtomicUsize,
    /// When a call last ended, in nanoseconds after `epoch`; 0 before the first.
    last_call_end: AtomicU64,
    epoch: Instant,
    /// How long a connect may take, the wait before it included.
    connect_timeout: Duration,
}

/// What a connect does first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    /// Connect at once: a call needs a connection that does not exist yet, or the one that
    /// would have come back was closed. `counted` when the connect holds a place in the count
    /// (the generated client's own requests do not).
    Connect { counted: bool },
    /// Wait up to [`RETURN_WINDOW`] for a busy connection to come back, then connect.
    AwaitReturn,
}

impl ConnectionBudget {
    /// A budget for a client whose connects give up after `connect_timeout`.
    pub(crate) fn new(connect_timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            last_call_end: AtomicU64::new(0),
            epoch: Instant::now(),
            connect_timeout,
        })
    }

    /// How long a connect may take.
    pub(crate) fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// How long a connect waits for a busy connection to come back: [`RETURN_WINDOW`], or a
    /// quarter of the connect timeout when that is shorter, since the wait counts towards it.
    fn return_window(&self) -> Duration {
        RETURN_WINDOW.min(self.connect_timeout / 4)
    }

    /// Counts a call from now until the returned guard is dropped.
    pub(crate) fn start_call(&self) -> CallInFlight<'_> {
        self.calls.fetch_add(1, Ordering::AcqRel);
        CallInFlight { budget: self }
    }

    /// Notes that a connection closed, or may have: calls that need one may open another at
    /// once.
    fn connection_closed(&self) {
        // A failed update means the count is 0 already, which is all it can mean here.
        let _ = (self.connections).fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
            open.checked_sub(1)
        });
    }

    /// Decides how a connect starts. `in_call` is false for the generated client used on its
    /// own: its requests are not counted, and nothing can tell when they no longer need one.
    fn plan(&self, in_call: bool) -> Plan {
        let calls = self.calls.load(Ordering::Acquire);
        let within_budget = (self.connections)
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < calls).then_some(open + 1)
            })
            .is_ok();
        if within_budget || !in_call {
            return Plan::Connect {
                counted: within_budget,
            };
        }

        // As many connections as calls: one of them is idle or on its way back, or it was
        // closed. Only a call that ended a moment ago can have one on its way back.
        let ended = self.last_call_end.load(Ordering::Acquire);
        let since_end = self.nanos_now().saturating_sub(ended);
        if ended == 0 || since_end > self.return_window().as_nanos() as u64 {
            // It takes the place of the closed one.
            Plan::Connect { counted: true }
        } else {
            Plan::AwaitReturn
        }
    }

    fn nanos_now(&self) -> u64 {
        // 1 ns after the epoch at least, so that 0 keeps meaning "never"; u64 nanoseconds
        // last 584 years.
        (self.epoch.elapsed().as_nanos() as u64).max(1)
    }
}

/// A call in flight; dropped when the call ends, however it ends.
pub(crate) struct CallInFlight<'a> {
    budget: &'a ConnectionBudget,
}

impl Drop for CallInFlight<'_> {
    fn drop(&mut self) {
        let budget = self.budget;
        budget
            .last_call_end
            .store(budget.nanos_now(), Ordering::Release);
        budget.calls.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What one attempt of a call does with a connection, from sending its request to the end of
/// the answer's body. Dropped with the attempt (when the next one starts, the call ends, or
/// the call is cancelled), it uncounts the connection if the attempt lost it.
#[derive(Debug)]
pub(crate) struct ConnectionUse {
    budget: Arc<ConnectionBudget>,
    stage: Stage,
    /// Set by a connect this attempt started when the pool moves it to a task of its own:
    /// the request took a pooled connection instead.
    pooled_instead: Option<Arc<AtomicBool>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// The request has a pooled connection, or is about to take one.
    Sent,
    /// No connection was idle: the request waits for one, new or returning, and holds none.
    Connecting,
    /// The answer's head is in and its body is being read; the server keeps the connection.
    Answered,
    /// The whole answer was read: the connection goes back to the pool.
    Returned,
    /// The connection will not go back to the pool: the server closes it, the body was left
    /// unread, or the request failed on it.
    Lost,
    /// The request failed before it had a connection.
    Unused,
}

impl ConnectionUse {
    pub(crate) fn new(budget: &Arc<ConnectionBudget>) -> Self {
        Self {
            budget: Arc::clone(budget),
            stage: Stage::Sent,
            pooled_instead: None,
        }
    }

    /// The pool had no idle connection: the connector was asked for one, and will set
    /// `pooled_instead` if the request takes a pooled one after all.
    fn connecting(&mut self, pooled_instead: Arc<AtomicBool>) {
        if self.stage == Stage::Sent {
            self.stage = Stage::Connecting;
            self.pooled_instead = Some(pooled_instead);
        }
    }

    /// Whether the request is on a connection: it took a pooled one, or the one the connector
    /// made for it.
    fn on_a_connection(&self) -> bool {
        match self.stage {
            Stage::Sent => true,
            Stage::Connecting => self
                .pooled_instead
                .as_ref()
                .is_some_and(|pooled| pooled.load(Ordering::Acquire)),
            _ => false,
        }
    }

    /// The connector made the connection that the request goes out on.
    fn connected(&mut self) {
        if self.stage == Stage::Connecting {
            self.stage = Stage::Sent;
        }
    }

    /// The answer's head arrived; `keeps_connection` is false when the server closes the
    /// connection after it.
    pub(crate) fn answered(&mut self, keeps_connection: bool) {
        self.stage = if keeps_connection {
            Stage::Answered
        } else {
            Stage::Lost
        };
    }

    /// No answer: `while_connecting` when no connection could be made (the connector has
    /// given its place back then), otherwise the connection the request was on is broken.
    /// A request that timed out while it waited for a connection had none.
    pub(crate) fn failed(&mut self, while_connecting: bool) {
        self.stage = if !while_connecting && self.on_a_connection() {
            Stage::Lost
        } else {
            Stage::Unused
        };
    }

    /// The body was read to its end.
    pub(crate) fn body_read_to_end(&mut self) {
        if self.stage == Stage::Answered {
            self.stage = Stage::Returned;
        }
    }

    /// The body was abandoned, too large to read.
    pub(crate) fn body_left_unread(&mut self) {
        self.stage = Stage::Lost;
    }
}

impl Drop for ConnectionUse {
    fn drop(&mut self) {
        // A request still waiting for a connection holds none: the connect it started holds
        // its own place in the count (`PlaceInCount`) and gives it back when dropped.
        if self.on_a_connection() || matches!(self.stage, Stage::Answered | Stage::Lost) {
            self.budget.connection_closed();
        }
    }
}

/// Whether hyper can put the connection back in the pool once `response` has been read: not
/// when the server closes it after the answer (`Connection: close`, HTTP/1.0 without
/// `keep-alive`), nor when the body has neither a length nor chunks and so ends with the
/// connection.
///
/// The rules are hyper's own (`proto::h1::role`), down to the order of `Connection` lines and
/// values that are not text, which hyper does not read.
pub(crate) fn keeps_connection(response: &reqwest::Response) -> bool {
    let version = response.version();
    if version != reqwest::Version::HTTP_10 && version != reqwest::Version::HTTP_11 {
        // HTTP/2 and later close a connection only with a frame of their own.
        return true;
    }
    let headers = response.headers();
    let lists = |value: &HeaderValue, option: &str| {
        value.to_str().is_ok_and(|text| {
            text.split(',')
                .any(|listed| listed.trim().eq_ignore_ascii_case(option))
        })
    };

    // A `close` on any line wins; HTTP/1.0 closes unless a line says `keep-alive`.
    let mut persistent = version == reqwest::Version::HTTP_11;
    for value in headers.get_all(CONNECTION) {
        if lists(value, "close") {
            return false;
        }
        persistent = persistent || lists(value, "keep-alive");
    }
    if !persistent {
        return false;
    }

    let status = response.status();
    if status.is_informational()
        || status == reqwest::StatusCode::NO_CONTENT
        || status == reqwest::StatusCode::NOT_MODIFIED
    {
        return true;
    }
    // With `Transfer-Encoding`, the body is chunked only if `chunked` is the last coding of
    // the last line; otherwise it ends with the connection.
    match headers.get_all(TRANSFER_ENCODING).iter().next_back() {
        Some(codings) => codings.to_str().is_ok_and(|text| {
            text.rsplit(',')
                .next()
                .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"))
        }),
        None => response.content_length().is_some(),
    }
}

/// The connector layer that holds back connects a request may not need; see the module docs.
#[derive(Clone, Debug)]
pub(crate) struct ReuseConnections {
    budget: Arc<ConnectionBudget>,
}

impl ReuseConnections {
    pub(crate) fn new(budget: Arc<ConnectionBudget>) -> Self {
        Self { budget }
    }
}

impl<S> tower_layer::Layer<S> for ReuseConnections {
    type Service = ReuseConnector<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ReuseConnector {
            shared: Arc::new((inner, Arc::clone(&self.budget))),
        }
    }
}

/// reqwest's connector behind [`ReuseConnections`].
///
/// The pool clones its connector for every request, connect or not, so this one is a single
/// reference count: reqwest's own connector is cloned only for a connect that happens.
pub(crate) struct ReuseConnector<S> {
    shared: Arc<(S, Arc<ConnectionBudget>)>,
}

impl<S> Clone for ReuseConnector<S> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<S> fmt::Debug for ReuseConnector<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReuseConnector")
            .field("budget", &self.shared.1)
            .finish_non_exhaustive()
    }
}

impl<S, R> tower_service::Service<R> for ReuseConnector<S>
where
    S: tower_service::Service<R> + Clone + Send + Sync + 'static,
    S::Response: Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    // Boxed: a connect is rare next to the requests it serves, and its future is unnameable.
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    /// Always ready: the connector that does the work is cloned, and waited for, in the
    /// connect itself.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: R) -> Self::Future {
        let in_call = transport::in_call();
        let pooled_instead = in_call.then(|| {
            let pooled_instead = Arc::new(AtomicBool::new(false));
            let shared = Arc::clone(&pooled_instead);
            transport::update_connection(|connection| connection.connecting(shared));
            pooled_instead
        });
        let plan = self.shared.1.plan(in_call);
        let shared = Arc::clone(&self.shared);

        Box::pin(async move {
            // Set once the pool has moved this connect out of the call, however it ends.
            let _moved = MovedOutOfCall(pooled_instead);
            let (connector, budget) = &*shared;
            let counted = match plan {
                Plan::Connect { counted } => counted,
                Plan::AwaitReturn if pooled_connection_taken(budget.return_window()).await => {
                    return Err(NotNeeded.into());
                }
                // None came back: this connect takes the place of one that was closed.
                Plan::AwaitReturn => true,
            };
            // Uncounts the connection unless it is made: the connect failed, or was dropped.
            let place = counted.then(|| PlaceInCount(budget));

            // Cloned only now: most connects that wait are abandoned.
            let mut connector = connector.clone();
            let ready: Result<(), BoxError> = poll_fn(|cx| connector.poll_ready(cx))
                .await
                .map_err(Into::into);
            let connected = match ready {
                Ok(()) => connector.call(request).await.map_err(Into::into),
                Err(error) => Err(error),
            };
            if connected.is_ok() {
                std::mem::forget(place);
                // In the call, the request goes out on it; a connect the pool moved to a task
                // of its own only fills the pool.
                transport::update_connection(ConnectionUse::connected);
            }
            connected
        })
    }
}

/// Tells the attempt that started a connect, when the connect ends outside the call, that the
/// request went out on a pooled connection.
struct MovedOutOfCall(Option<Arc<AtomicBool>>);

impl Drop for MovedOutOfCall {
    fn drop(&mut self) {
        if let Some(pooled_instead) = &self.0
            && !transport::in_call()
        {
            pooled_instead.store(true, Ordering::Release);
        }
    }
}

/// The place a connect holds in the count of connections until it has made one.
struct PlaceInCount<'a>(&'a ConnectionBudget);

impl Drop for PlaceInCount<'_> {
    fn drop(&mut self) {
        self.0.connection_closed();
    }
}

/// Waits up to `window_length` and says whether the request took a pooled connection
/// meanwhile: the pool then polls this connect on a task of its own, outside the call.
///
/// The pool wakes the call when a connection comes back, so the timer only bounds the wait.
/// (A yield first, to spare the timer, measured dearer: it polls the whole call once more.)
async fn pooled_connection_taken(window_length: Duration) -> bool {
    let mut window = pin!(tokio::time::sleep(window_length));
    poll_fn(|cx| {
        if !transport::in_call() {
            return Poll::Ready(true);
        }
        window.as_mut().poll(cx).map(|()| false)
    })
    .await
}

/// The error a connect ends with when its request was sent on a pooled connection. The pool
/// only traces it: nobody waits for that connect any more.
#[derive(Debug)]
struct NotNeeded;

impl fmt::Display for NotNeeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connect abandoned: the request was sent on a pooled connection")
    }
}

impl std::error::Error for NotNeeded {}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use tower_service::Service as _;

    use super::*;
    use crate::transport::{Exchange, observe};

    /// A connector that counts its connects and "connects" at once.
    #[derive(Clone, Default)]
    struct CountingConnector {
        connects: Arc<AtomicUsize>,
    }

    impl tower_service::Service<&'static str> for CountingConnector {
        type Response = &'static str;
        type Error = BoxError;
        type Future = std::future::Ready<Result<&'static str, BoxError>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, host: &'static str) -> Self::Future {
            self.connects.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(host))
        }
    }

    /// A budget with one call in flight, one connection, and a call that ended just now.
    fn one_call_one_connection() -> Arc<ConnectionBudget> {
        let budget = ConnectionBudget::new(Duration::from_secs(10));
        budget.connections.store(1, Ordering::SeqCst);
        drop(budget.start_call());
        std::mem::forget(budget.start_call());
        budget
    }

    fn connections(budget: &ConnectionBudget) -> usize {
        budget.connections.load(Ordering::SeqCst)
    }

    #[test]
    fn calls_beyond_the_connections_connect_at_once_and_are_counted() {
        let budget = ConnectionBudget::new(Duration::from_secs(10));
        let (_first, _second) = (budget.start_call(), budget.start_call());

        assert_eq!(budget.plan(true), Plan::Connect { counted: true });
        assert_eq!(budget.plan(true), Plan::Connect { counted: true });
        assert_eq!(connections(&budget), 2);

        // Two calls, two connections, and no call has ended: one of them was closed, and the
        // new one takes its place.
        assert_eq!(budget.plan(true), Plan::Connect { counted: true });
        assert_eq!(connections(&budget), 2);
    }

    #[test]
    fn a_connect_right_after_a_call_ended_waits_for_the_connection_to_come_back() {
        let budget = one_call_one_connection();

        assert_eq!(budget.plan(true), Plan::AwaitReturn);
        assert_eq!(connections(&budget), 1);
        // The generated client on its own is not counted and never waits.
        assert_eq!(budget.plan(false), Plan::Connect { counted: false });
        assert_eq!(connections(&budget), 1);
    }

    #[test]
    fn a_connect_long_after_the_last_call_ended_does_not_wait() {
        // One call, one connection, and the last call ended a second ago: its connection
        // was back in the pool long since, so the pool's finding none means it was closed.
        let budget = ConnectionBudget {
            calls: AtomicUsize::new(1),
            connections: AtomicUsize::new(1),
            last_call_end: AtomicU64::new(1),
            epoch: Instant::now() - Duration::from_secs(1),
            connect_timeout: Duration::from_secs(10),
        };

        assert_eq!(budget.plan(true), Plan::Connect { counted: true });
        assert_eq!(connections(&budget), 1);
    }

    #[test]
    fn the_wait_takes_at_most_a_quarter_of_the_connect_timeout() {
        let budget = ConnectionBudget::new(Duration::from_millis(8));
        assert_eq!(budget.return_window(), Duration::from_millis(2));
        let budget = ConnectionBudget::new(Duration::MAX);
        assert_eq!(budget.return_window(), RETURN_WINDOW);
    }

    #[test]
    fn closed_connections_are_uncounted_down_to_zero() {
        let budget = ConnectionBudget::new(Duration::from_secs(10));
        budget.connections.store(1, Ordering::SeqCst);

        budget.connection_closed();
        budget.connection_closed();

        assert_eq!(connections(&budget), 0);
    }

    /// The count after an attempt that went through `stages` and was then dropped, starting
    /// from one connection.
    fn count_after(stages: impl FnOnce(&mut ConnectionUse)) -> usize {
        let budget = ConnectionBudget::new(Duration::from_secs(10));
        budget.connections.store(1, Ordering::SeqCst);
        let mut attempt = ConnectionUse::new(&budget);
        stages(&mut attempt);
        drop(attempt);
        connections(&budget)
    }

    #[test]
    fn an_attempt_uncounts_the_connection_it_lost_and_only_that() {
        let pooled = |taken: bool| Arc::new(AtomicBool::new(taken));

        // Handed back.
        assert_eq!(
            count_after(|a| {
                a.answered(true);
                a.body_read_to_end();
            }),
            1
        );
        // Closed by the server, left unread, broken, or cancelled while on the connection.
        assert_eq!(
            count_after(|a| {
                a.answered(false);
                a.body_read_to_end();
            }),
            0
        );
        assert_eq!(
            count_after(|a| {
                a.answered(true);
                a.body_left_unread();
            }),
            0
        );
        assert_eq!(count_after(|a| a.answered(true)), 0);
        assert_eq!(count_after(|a| a.failed(false)), 0);
        assert_eq!(count_after(|_| ()), 0);
        // Waiting for a connection: none held, whether cancelled or failed.
        assert_eq!(count_after(|a| a.connecting(pooled(false))), 1);
        assert_eq!(
            count_after(|a| {
                a.connecting(pooled(false));
                a.failed(false);
            }),
            1
        );
        assert_eq!(count_after(|a| a.failed(true)), 1);
        // A pooled connection came back for it, or its own connect did: it holds one.
        assert_eq!(count_after(|a| a.connecting(pooled(true))), 0);
        assert_eq!(
            count_after(|a| {
                a.connecting(pooled(false));
                a.connected();
            }),
            0
        );
    }

    /// A connector whose connects fail at once, or never end.
    #[derive(Clone, Copy)]
    enum BrokenConnector {
        Refused,
        Hanging,
    }

    impl tower_service::Service<&'static str> for BrokenConnector {
        type Response = &'static str;
        type Error = BoxError;
        type Future = Pin<Box<dyn Future<Output = Result<&'static str, BoxError>> + Send>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: &'static str) -> Self::Future {
            match self {
                BrokenConnector::Refused => Box::pin(async { Err("refused".into()) }),
                BrokenConnector::Hanging => Box::pin(std::future::pending()),
            }
        }
    }

    #[tokio::test]
    async fn a_connect_that_fails_or_is_dropped_gives_its_place_back() {
        for connector in [BrokenConnector::Refused, BrokenConnector::Hanging] {
            let budget = ConnectionBudget::new(Duration::from_secs(10));
            let _call = budget.start_call();
            let mut layered =
                tower_layer::Layer::layer(&ReuseConnections::new(Arc::clone(&budget)), connector);

            let mut connect = layered.call("example");
            let first = poll_fn(|cx| Poll::Ready(connect.as_mut().poll(cx))).await;
            match (connector, first) {
                (BrokenConnector::Refused, Poll::Ready(Err(error))) => {
                    assert_eq!(error.to_string(), "refused");
                }
                (BrokenConnector::Hanging, Poll::Pending) => {
                    assert_eq!(connections(&budget), 1, "counted while it connects");
                }
                (_, other) => panic!("unexpected {other:?}"),
            }
            drop(connect);

            assert_eq!(connections(&budget), 0);
        }
    }

    #[tokio::test]
    async fn a_connect_the_pool_moves_to_a_task_of_its_own_never_happens() {
        let connector = CountingConnector::default();
        let mut layered =
            tower_layer::Layer::layer(&ReuseConnections::new(one_call_one_connection()), {
                connector.clone()
            });

        // Started inside a call, as the pool does, and polled there once; the connect is
        // handed out of the call in a `Some`, so that it is not awaited with the call.
        let (connect, _) = observe(
            async move {
                let mut connect = layered.call("example");
                let first = poll_fn(|cx| Poll::Ready(connect.as_mut().poll(cx))).await;
                assert!(first.is_pending());
                Some(connect)
            },
            Box::<Exchange>::default(),
        )
        .await;
        // The request took a pooled connection: the connect goes on on a task of its own.
        let outcome = tokio::spawn(connect.unwrap()).await.unwrap();

        assert_eq!(
            outcome.unwrap_err().to_string(),
            "connect abandoned: the request was sent on a pooled connection"
        );
        assert_eq!(connector.connects.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_connection_that_does_not_come_back_in_time_is_replaced() {
        let connector = CountingConnector::default();
        let budget = one_call_one_connection();
        let mut layered = tower_layer::Layer::layer(&ReuseConnections::new(Arc::clone(&budget)), {
            connector.clone()
        });

        let started = Instant::now();
        // Called inside the call, as the pool does.
        let connect = async move { layered.call("example").await };
        let (connected, _) = observe(connect, Box::<Exchange>::default()).await;

        assert_eq!(connected.unwrap(), "example");
        assert!(
            started.elapsed() >= RETURN_WINDOW,
            "{:?}",
            started.elapsed()
        );
        assert_eq!(connector.connects.load(Ordering::SeqCst), 1);
        // It took the place of one that was closed: still one connection.
        assert_eq!(budget.connections.load(Ordering::SeqCst), 1);
    }
}
