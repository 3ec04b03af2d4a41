//! Dispatch to applications by `Host` (subdomain) and path prefix, as paste's `urlmap`
//! does; this is how several APIs share one port.

use std::sync::Arc;

use async_trait::async_trait;

use super::{Application, BoxError, Request, Response, RouteError};

/// Request extension: the path prefix under which a [`UrlMap`] mounted the application.
///
/// The URI itself is left as the client sent it, because signatures cover the full path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptName(pub String);

impl ScriptName {
    /// The path of `request` under the prefix its [`UrlMap`] mount took off (the whole
    /// path when it was not mounted under one).
    pub fn path_under<B>(request: &http::Request<B>) -> &str {
        let path = request.uri().path();
        match request.extensions().get::<ScriptName>() {
            Some(ScriptName(prefix)) => match path.strip_prefix(prefix.as_str()) {
                Some("") => "/",
                Some(rest) => rest,
                None => path,
            },
            None => path,
        }
    }

    /// The scheme, host and mount prefix the client used, with a trailing slash
    /// (`http://cloud.example:5000/identity/`): the base of links. The scheme is the
    /// URI's, else `http`; the host is the `Host` header's, else the URI's, else
    /// `localhost`.
    pub fn base_url<B>(request: &http::Request<B>) -> String {
        let scheme = request.uri().scheme_str().unwrap_or("http");
        let host = request
            .headers()
            .get(http::header::HOST)
            .and_then(|host| host.to_str().ok())
            .or_else(|| {
                request
                    .uri()
                    .authority()
                    .map(|authority| authority.as_str())
            })
            .unwrap_or("localhost");
        let prefix = request
            .extensions()
            .get::<ScriptName>()
            .map_or("", |ScriptName(prefix)| prefix.trim_end_matches('/'));
        format!("{scheme}://{host}{prefix}/")
    }
}

/// Which hosts a [`UrlMap`] entry answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostPattern {
    /// Every host.
    Any,
    /// Exactly this host name (compared without case, port ignored).
    Exact(String),
    /// Host names whose first label is this one: `Subdomain("ec2")` answers
    /// `ec2.cloud.example` and `ec2.localhost`.
    Subdomain(String),
}

impl HostPattern {
    fn matches(&self, host: Option<&str>) -> bool {
        match (self, host) {
            (HostPattern::Any, _) => true,
            (_, None) => false,
            (HostPattern::Exact(name), Some(host)) => host.eq_ignore_ascii_case(name),
            (HostPattern::Subdomain(label), Some(host)) => host
                .split_once('.')
                .is_some_and(|(first, _)| first.eq_ignore_ascii_case(label)),
        }
    }

    fn is_specific(&self) -> bool {
        !matches!(self, HostPattern::Any)
    }
}

struct Mount {
    host: HostPattern,
    prefix: String,
    app: Arc<dyn Application>,
}

/// Applications mounted by host and path prefix. The most specific mount wins: a
/// matching host pattern over [`HostPattern::Any`], then the longest prefix. A prefix
/// matches whole path segments only (`/v2` matches `/v2/servers`, not `/v21`).
#[derive(Default)]
pub struct UrlMap {
    mounts: Vec<Mount>,
}

impl std::fmt::Debug for UrlMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mounts: Vec<(&HostPattern, &str)> = self
            .mounts
            .iter()
            .map(|m| (&m.host, m.prefix.as_str()))
            .collect();
        f.debug_struct("UrlMap").field("mounts", &mounts).finish()
    }
}

fn host_of(request: &Request) -> Option<&str> {
    let host = request
        .headers()
        .get(http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| request.uri().host())?;
    // Drop a port, keeping bracketed IPv6 literals whole.
    match host.rfind(':') {
        Some(colon) if !host[colon..].contains(']') => Some(&host[..colon]),
        _ => Some(host),
    }
}

fn prefix_matches(prefix: &str, path: &str) -> bool {
    if prefix == "/" || prefix.is_empty() {
        return true;
    }
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

impl UrlMap {
    /// An empty map.
    pub fn new() -> Self {
        UrlMap::default()
    }

    /// Mounts `app` at a path prefix on every host.
    pub fn mount(self, prefix: &str, app: Arc<dyn Application>) -> Self {
        self.mount_host(HostPattern::Any, prefix, app)
    }

    /// Mounts `app` at a path prefix on the hosts `host` matches.
    pub fn mount_host(
        mut self,
        host: HostPattern,
        prefix: &str,
        app: Arc<dyn Application>,
    ) -> Self {
        let prefix = prefix.trim_end_matches('/');
        let prefix = if prefix.is_empty() {
            "/".to_owned()
        } else {
            prefix.to_owned()
        };
        self.mounts.push(Mount { host, prefix, app });
        self
    }

    fn select(&self, request: &Request) -> Option<&Mount> {
        let host = host_of(request);
        let path = request.uri().path();
        self.mounts
            .iter()
            .filter(|mount| mount.host.matches(host) && prefix_matches(&mount.prefix, path))
            .max_by_key(|mount| (mount.host.is_specific(), mount.prefix.len()))
    }
}

#[async_trait]
impl Application for UrlMap {
    async fn call(&self, mut request: Request) -> Result<Response, BoxError> {
        let mount = self.select(&request).ok_or(RouteError::NotFound)?;
        let script_name = if mount.prefix == "/" {
            String::new()
        } else {
            mount.prefix.clone()
        };
        request.extensions_mut().insert(ScriptName(script_name));
        mount.app.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Body, from_fn};

    fn named(name: &'static str) -> Arc<dyn Application> {
        Arc::new(from_fn(move |request: Request| async move {
            let script = request.extensions().get::<ScriptName>().unwrap().0.clone();
            Ok(Response::new(
                format!("{name}|{script}|{}", request.uri().path()).into(),
            ))
        }))
    }

    async fn answer(map: &UrlMap, host: &str, path: &str) -> String {
        let request = http::Request::builder()
            .uri(path)
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        match map.call(request).await {
            Ok(response) => String::from_utf8(response.body().as_bytes().to_vec()).unwrap(),
            Err(error) => format!("error: {error}"),
        }
    }

    #[tokio::test]
    async fn host_then_longest_prefix_wins() {
        let map = UrlMap::new()
            .mount("/", named("ec2"))
            .mount("/v2.1", named("compute"))
            .mount_host(
                HostPattern::Subdomain("compute".into()),
                "/",
                named("compute-host"),
            )
            .mount_host(
                HostPattern::Exact("meta.local".into()),
                "/",
                named("metadata"),
            );
        assert_eq!(answer(&map, "localhost:8773", "/").await, "ec2||/");
        assert_eq!(
            answer(&map, "localhost", "/v2.1/servers").await,
            "compute|/v2.1|/v2.1/servers"
        );
        assert_eq!(answer(&map, "localhost", "/v2.10").await, "ec2||/v2.10");
        assert_eq!(
            answer(&map, "compute.cloud.example:80", "/v2.1").await,
            "compute-host||/v2.1"
        );
        assert_eq!(
            answer(&map, "META.local", "/latest").await,
            "metadata||/latest"
        );
    }

    #[tokio::test]
    async fn nothing_mounted_is_not_found() {
        let map = UrlMap::new().mount("/services/Cloud", named("ec2"));
        assert_eq!(
            answer(&map, "localhost", "/services").await,
            "error: The resource could not be found."
        );
    }
}
