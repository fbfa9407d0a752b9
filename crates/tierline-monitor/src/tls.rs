//! TLS for checks: rustls with the ring provider (the project's one crypto backend) and the
//! Mozilla roots, plus any roots the operator adds (a private CA; tests' own certificates).

use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// Installs ring as the process's rustls provider, for libraries that look it up (reqwest with
/// `rustls-no-provider`). Harmless when one is installed already.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client configuration that verifies certificates against the Mozilla roots and `extra`.
pub fn tls_config(
    extra: &[CertificateDer<'static>],
) -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in extra {
        roots.add(cert.clone())?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The certificates of a PEM file: a private CA whose systems the monitors check.
pub fn roots_from_pem_file(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate in it", path.display()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_private_ca_from_a_pem_file() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = params.self_signed(&key).unwrap();
        let path = std::env::temp_dir().join(format!("tl-ca-{}.pem", std::process::id()));
        std::fs::write(&path, ca.pem()).unwrap();
        let roots = super::roots_from_pem_file(&path).unwrap();
        assert_eq!(roots, [ca.der().clone()]);
        assert!(super::tls_config(&roots).is_ok());
        std::fs::write(&path, "not a certificate").unwrap();
        assert!(super::roots_from_pem_file(&path).is_err());
        let _ = std::fs::remove_file(&path);
    }
}
