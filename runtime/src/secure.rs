//! `--metrics-secure`: metrics over HTTPS with TokenReview/SubjectAccessReview authorization.

use std::net::SocketAddr;

use kube::Client;
use tokio::task::JoinSet;

use crate::error::Error;
use crate::manager::Shutdown;
use crate::metrics::Metrics;
use crate::options::ManagerOptions;

/// Not implemented yet: refuses to start rather than silently serving plain HTTP.
pub(crate) async fn spawn_secure_metrics(
    _servers: &mut JoinSet<std::io::Result<()>>,
    _addr: SocketAddr,
    _options: &ManagerOptions,
    _metrics: &Metrics,
    _client: &Client,
    _shutdown: Shutdown,
) -> Result<(), Error> {
    Err(Error::InvalidOption {
        option: "--metrics-secure",
        message: "secure metrics serving is not implemented yet; use --metrics-secure=false".into(),
    })
}
