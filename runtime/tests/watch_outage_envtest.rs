//! A controller outlives an API server outage: the manager talks to a real API server through
//! a TCP proxy; the proxy is cut (every connection dropped, the port closed) for a few
//! seconds, objects are created meanwhile, and once it is back those objects are reconciled
//! within the watch backoff's cap (`WATCH_BACKOFF_MAX`, plus jitter and one list) — the
//! process does not exit, and no watch gives up.
#![cfg(feature = "envtest")]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cargo_operator_runtime::envtest::EnvironmentBuilder;
use cargo_operator_runtime::{
    Action, Context, Controller, Manager, ManagerOptions, WATCH_BACKOFF_MAX,
};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ObjectMeta, PostParams};
use kube::{Client, ResourceExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A TCP proxy on a fixed local port that can be cut and restored.
struct Proxy {
    port: u16,
    upstream: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    fn new(upstream: SocketAddr) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self {
            port,
            upstream,
            tasks: Arc::default(),
        }
    }

    /// Listens on the port and forwards every connection.
    fn start(&self) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], self.port)))
            .unwrap();
        let listener: TcpListener = socket.listen(64).unwrap();
        let (upstream, tasks) = (self.upstream, self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let connection = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().unwrap().push(connection);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Drops every connection and closes the port: the API server is gone.
    async fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn config_map(name: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Waits up to `within` for a reconcile of `name`, skipping others.
async fn reconciled(rx: &mut mpsc::UnboundedReceiver<String>, name: &str, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(seen)) if seen == name => return,
            Ok(Some(_)) => {}
            _ => panic!("{name} was not reconciled within {within:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watches_resume_after_the_api_server_comes_back() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let direct = env.client().unwrap();
    let port = env.server_url().rsplit(':').next().unwrap();
    let upstream = SocketAddr::from(([127, 0, 0, 1], port.trim_end_matches('/').parse().unwrap()));
    let proxy = Proxy::new(upstream);
    proxy.start();
    let mut config = env.config();
    config.cluster_url = format!("https://127.0.0.1:{}", proxy.port).parse().unwrap();
    let through_proxy = Client::try_from(config).unwrap();

    let (tx, mut rx) = mpsc::unbounded_channel();
    let controller = Controller::new("outage", move |object: Arc<ConfigMap>, _: Arc<Context>| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(object.name_any());
            Ok(Action::await_change())
        }
    })
    .namespace("default");
    let options = ManagerOptions::try_parse_from([
        "test",
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
    ])
    .unwrap();
    let mut manager = Manager::with_client("outage-test", options, through_proxy);
    manager.add_controller(controller);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(manager.run_until(async {
        let _ = stopped.await;
    }));

    let config_maps: Api<ConfigMap> = Api::namespaced(direct, "default");
    let params = PostParams::default();
    config_maps
        .create(&params, &config_map("before"))
        .await
        .unwrap();
    reconciled(&mut rx, "before", Duration::from_secs(20)).await;

    // The outage: long enough for the watch to fail and back off several times.
    proxy.cut().await;
    config_maps
        .create(&params, &config_map("during"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(!run.is_finished(), "the manager exited during the outage");

    // Back: the next retry (at most the cap plus half of it) lists and finds `during`.
    proxy.start();
    let back = Instant::now();
    reconciled(
        &mut rx,
        "during",
        WATCH_BACKOFF_MAX * 3 / 2 + Duration::from_secs(5),
    )
    .await;
    eprintln!(
        "reconciled {:.1?} after the API server came back",
        back.elapsed()
    );
    config_maps
        .create(&params, &config_map("after"))
        .await
        .unwrap();
    reconciled(&mut rx, "after", Duration::from_secs(10)).await;

    stop.send(()).unwrap();
    let code = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the manager stops")
        .unwrap();
    assert_eq!(code, std::process::ExitCode::SUCCESS);
}
