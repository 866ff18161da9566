//! The AWS region templates are checked for: policies get it in their settings
//! (`region`), so the `schema` policy can tell which resource types exist there.

use std::path::Path;

use crate::config::Config;
use crate::gate::target::read_samconfig;

/// The region used when nothing names one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// `explicit` (`--region`), else `[sam] region`, else `region` in samconfig.toml
/// (environment `default`) next to the configuration, else `AWS_REGION` in `env`, else
/// [`DEFAULT_REGION`]. A samconfig.toml that cannot be read is passed over here (deploy
/// reports it).
pub fn resolve(explicit: Option<&str>, config: &Config, env: &[(String, String)]) -> String {
    explicit
        .map(str::to_string)
        .or_else(|| config.sam.region.clone())
        .or_else(|| from_samconfig(&config.base_dir()))
        .or_else(|| {
            env.iter()
                .find(|(k, v)| k == "AWS_REGION" && !v.is_empty())
                .map(|(_, v)| v.clone())
        })
        .unwrap_or_else(|| DEFAULT_REGION.to_string())
}

fn from_samconfig(dir: &Path) -> Option<String> {
    read_samconfig(dir, "default").ok().flatten()?.region
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.source = Some(dir.path().join("preflight.toml"));
        let env = vec![("AWS_REGION".to_string(), "eu-central-1".to_string())];
        assert_eq!(resolve(None, &config, &[]), "us-east-1");
        assert_eq!(resolve(None, &config, &env), "eu-central-1");
        std::fs::write(
            dir.path().join("samconfig.toml"),
            "version = 0.1\n[default.deploy.parameters]\nregion = \"ap-south-1\"\n",
        )
        .unwrap();
        assert_eq!(resolve(None, &config, &env), "ap-south-1");
        config.sam.region = Some("eu-west-3".into());
        assert_eq!(resolve(None, &config, &env), "eu-west-3");
        assert_eq!(resolve(Some("sa-east-1"), &config, &env), "sa-east-1");
    }
}
