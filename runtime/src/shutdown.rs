//! [`Shutdown`]: a signal that fires once, shared by the manager, its servers and its
//! controllers. A leaf module, so that everything that stops can depend on it without
//! depending on the manager.

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio::sync::watch;

/// A signal that fires once; cheap to clone, every clone sees it.
#[derive(Clone, Debug)]
pub struct Shutdown(watch::Receiver<bool>);

/// Fires the [`Shutdown`] it was created with.
#[derive(Debug)]
pub struct ShutdownTrigger(watch::Sender<bool>);

impl Shutdown {
    /// A signal and its trigger.
    pub fn channel() -> (ShutdownTrigger, Shutdown) {
        let (tx, rx) = watch::channel(false);
        (ShutdownTrigger(tx), Shutdown(rx))
    }

    /// Whether it has fired.
    pub fn is_triggered(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once it has fired (at once if it already has). The future is `Sync`, as
    /// kube-runtime's `graceful_shutdown_on` requires.
    pub fn wait(&self) -> Shared<BoxFuture<'static, ()>> {
        let mut rx = self.0.clone();
        async move {
            // An error means the trigger was dropped without firing: then never fire.
            if rx.wait_for(|fired| *fired).await.is_err() {
                futures::future::pending::<()>().await;
            }
        }
        .boxed()
        .shared()
    }
}

impl ShutdownTrigger {
    /// Fires the signal.
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }
}
