//! One simulator HTTP endpoint that can be taken down and brought back on the same port, for
//! fault tests: stopping it closes the listener and cuts every open connection (watches
//! included), as when a cluster's API server goes away; restarting rebinds the same address.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::server::ServeError;

/// A served router on a fixed loopback address.
pub struct Endpoint {
    pub addr: SocketAddr,
    router: Router,
    /// `true` cuts every connection accepted under it; replaced on restart.
    cut: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Endpoint {
    /// Binds `addr` (port 0: a free port) and starts serving `router`.
    pub async fn serve(addr: SocketAddr, router: Router) -> Result<Endpoint, ServeError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| ServeError::Bind { addr, source })?;
        let (cut, _) = watch::channel(false);
        let mut endpoint = Endpoint {
            addr: local,
            router,
            cut,
            task: None,
        };
        endpoint.spawn(listener);
        Ok(endpoint)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn is_running(&self) -> bool {
        self.task.is_some()
    }

    fn spawn(&mut self, listener: TcpListener) {
        let (cut, watch) = watch::channel(false);
        self.cut = cut;
        let listener = Severable::listener(listener, watch);
        let router = self.router.clone();
        self.task = Some(tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "simulator endpoint stopped");
            }
        }));
    }

    /// Closes the listener (new connections are refused) and cuts open connections.
    pub async fn stop(&mut self) {
        self.cut.send_replace(true);
        if let Some(task) = self.task.take() {
            task.abort();
            // Wait until the listener is dropped, so the port can be bound again.
            let _ = task.await;
        }
    }

    /// Listens again on the same address. Retries for a few seconds while the port is still
    /// held by the old socket.
    pub async fn restart(&mut self) -> Result<(), ServeError> {
        if self.task.is_some() {
            return Ok(());
        }
        let mut attempts = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(source) if source.kind() == io::ErrorKind::AddrInUse && attempts < 50 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(source) => {
                    return Err(ServeError::Bind {
                        addr: self.addr,
                        source,
                    });
                }
            }
        };
        self.spawn(listener);
        Ok(())
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.cut.send_replace(true);
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// A TCP connection that fails every read and write once its endpoint is stopped, so the
/// server drops it at once (even a watch waiting for its next event).
pub struct Severable {
    io: TcpStream,
    cut: Pin<Box<dyn Future<Output = ()> + Send>>,
    severed: bool,
}

/// The listener handing out [`Severable`] connections.
pub struct SeverableListener {
    inner: TcpListener,
    cut: watch::Receiver<bool>,
}

impl Severable {
    fn listener(inner: TcpListener, cut: watch::Receiver<bool>) -> SeverableListener {
        SeverableListener { inner, cut }
    }

    /// True (and from then on always true) once the endpoint was stopped. Registers the
    /// task's waker, so a connection parked in a read wakes up when that happens.
    fn check(&mut self, cx: &mut Context<'_>) -> bool {
        if !self.severed && self.cut.as_mut().poll(cx).is_ready() {
            self.severed = true;
        }
        self.severed
    }
}

fn severed() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "simulator endpoint stopped")
}

impl axum::serve::Listener for SeverableListener {
    type Io = Severable;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((io, addr)) => {
                    let mut cut = self.cut.clone();
                    let cut = Box::pin(async move {
                        // A dropped sender (endpoint gone) cuts too.
                        let _ = cut.wait_for(|cut| *cut).await;
                    });
                    return (
                        Severable {
                            io,
                            cut,
                            severed: false,
                        },
                        addr,
                    );
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait, then accept again.
                    tracing::warn!(%error, "simulator endpoint: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

impl AsyncRead for Severable {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.check(cx) {
            return Poll::Ready(Err(severed()));
        }
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Severable {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.check(cx) {
            return Poll::Ready(Err(severed()));
        }
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.check(cx) {
            return Poll::Ready(Err(severed()));
        }
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.check(cx) {
            return Poll::Ready(Err(severed()));
        }
        Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
