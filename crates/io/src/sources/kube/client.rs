//! One Kubernetes client per (kubeconfig, context), shared by that cluster's watchers and the
//! pod proxy: connect and read timeouts, and exec credential plugins run without the
//! console's terminal, under a time limit, with a "run: <login command>" hint when one
//! fails because it needs a login.

use std::process::Stdio;
use std::time::Duration;

use kube::config::{ExecConfig, ExecInteractiveMode, KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::sources::retry::describe;

/// How long to wait for a TCP (and TLS) connection to an API server.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest silence on a connection: a watch ends (and a new one starts) before this.
pub const READ_TIMEOUT: Duration = Duration::from_secs(75);
/// Longest an exec credential plugin may take to print a credential.
pub const CREDENTIAL_TIMEOUT: Duration = Duration::from_secs(15);

/// Login commands that credential plugins print when the user must log in first.
const LOGIN_COMMANDS: &[&str] = &[
    "aws sso login",
    "gcloud auth application-default login",
    "gcloud auth login",
    "az login",
    "kubelogin",
    "oc login",
    "tsh login",
    "teleport login",
];

/// Builds the client for `context` of `kubeconfig`.
pub async fn client(kubeconfig: Kubeconfig, context: &str) -> Result<Client, String> {
    client_with(kubeconfig, context, CREDENTIAL_TIMEOUT).await
}

/// [`client`] with the exec plugin time limit given (tests use a short one).
pub async fn client_with(
    mut kubeconfig: Kubeconfig,
    context: &str,
    credential_timeout: Duration,
) -> Result<Client, String> {
    for named in &mut kubeconfig.auth_infos {
        if let Some(exec) = named.auth_info.as_mut().and_then(|auth| auth.exec.as_mut()) {
            // kube-rs then gives the plugin a closed pipe as stdin and captures its stderr:
            // it never reads the keyboard or writes on the console's screen.
            exec.interactive_mode = Some(ExecInteractiveMode::Never);
        }
    }
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..KubeConfigOptions::default()
    };
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| format!("kubeconfig: {}", describe(&e)))?;
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.read_timeout = Some(READ_TIMEOUT);
    config.write_timeout = Some(CONNECT_TIMEOUT);
    config.reset_reader_on_write = true;
    // Our sources retry with their own jittered backoff and show each failure as health;
    // kube's built-in retry of 429/503/504 (up to minutes) would hide it.
    config.default_retry = false;
    if let Some(exec) = &config.auth_info.exec {
        // kube-rs runs the plugin synchronously and without a time limit while building the
        // client: try it first with a limit, so a hanging or failing plugin becomes a reason.
        probe_exec(exec, credential_timeout).await?;
    }
    let build = tokio::task::spawn_blocking(move || Client::try_from(config));
    match tokio::time::timeout(credential_timeout, build).await {
        Ok(Ok(Ok(client))) => Ok(client),
        Ok(Ok(Err(err))) => Err(format!("client: {}", describe(&err))),
        Ok(Err(err)) => Err(format!("client: {err}")),
        Err(_) => Err(format!(
            "credentials: no answer within {} s",
            credential_timeout.as_secs()
        )),
    }
}

/// Runs an exec credential plugin once, stdin closed, output captured, killed after
/// `limit`. Err is the reason to show.
pub async fn probe_exec(exec: &ExecConfig, limit: Duration) -> Result<(), String> {
    let Some(program) = exec.command.as_deref() else {
        return Err("credentials: exec plugin without a command in the kubeconfig".to_string());
    };
    let mut command = tokio::process::Command::new(program);
    command
        .args(exec.args.iter().flatten())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for pair in exec.env.iter().flatten() {
        if let (Some(name), Some(value)) = (pair.get("name"), pair.get("value")) {
            command.env(name, value);
        }
    }
    for name in exec.drop_env.iter().flatten() {
        command.env_remove(name);
    }
    let info = serde_json::json!({
        "apiVersion": exec.api_version.as_deref().unwrap_or("client.authentication.k8s.io/v1"),
        "kind": "ExecCredential",
        "spec": {"interactive": false},
    });
    command.env("KUBERNETES_EXEC_INFO", info.to_string());
    let child = command.spawn().map_err(|err| {
        let hint = exec
            .install_hint
            .as_deref()
            .map(|h| format!("; {}", h.trim()))
            .unwrap_or_default();
        format!("credentials: cannot run {program}: {err}{hint}")
    })?;
    let output = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(err)) => return Err(format!("credentials: {program}: {err}")),
        Err(_) => {
            return Err(format!(
                "credentials: {program} gave no credential within {} s (killed; does it need a login?)",
                limit.as_secs()
            ));
        }
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if let Some(login) = login_hint(&stderr) {
        return Err(format!("credentials expired: run: {login}"));
    }
    let last = stderr
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .unwrap_or("");
    let status = output
        .status
        .code()
        .map_or_else(|| "was killed".to_string(), |c| format!("exited with {c}"));
    Err(if last.is_empty() {
        format!("credentials: {program} {status}")
    } else {
        format!("credentials: {program} {status}: {last}")
    })
}

/// The login command a plugin's error output asks for (`aws sso login --profile prod`).
pub fn login_hint(stderr: &str) -> Option<String> {
    stderr.lines().find_map(|line| {
        let lower = line.to_ascii_lowercase();
        LOGIN_COMMANDS.iter().find_map(|command| {
            let at = lower.find(command)?;
            let rest = &line[at..];
            let end = rest.find(['"', '\'', '`', ')', ';']).unwrap_or(rest.len());
            let hint = rest[..end].trim().trim_end_matches(['.', ',', ':']).trim();
            let hint: String = hint.chars().take(120).collect();
            Some(hint)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_hints_from_plugin_errors() {
        assert_eq!(
            login_hint("Error loading SSO Token: Token for prod does not exist\nTo refresh, run 'aws sso login --profile prod'.").as_deref(),
            Some("aws sso login --profile prod")
        );
        assert_eq!(
            login_hint("ERROR: (gcloud.auth) You do not currently have an active account. Please run:\n  $ gcloud auth login\n").as_deref(),
            Some("gcloud auth login")
        );
        assert_eq!(
            login_hint("error: run `kubelogin convert-kubeconfig -l azurecli` first").as_deref(),
            Some("kubelogin convert-kubeconfig -l azurecli")
        );
        assert_eq!(login_hint("error: connection refused"), None);
    }
}
