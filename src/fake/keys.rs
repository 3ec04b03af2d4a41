//! EC2 key pairs: private key material for `CreateKeyPair`, public key parsing for
//! `ImportKeyPair`, and fingerprints computed the way Amazon EC2 computes them.
//!
//! Fingerprints follow the EC2 User Guide ("Verify the fingerprint of your key pair"):
//!
//! | Key pair source     | RSA                                   | ED25519                      |
//! |---------------------|---------------------------------------|------------------------------|
//! | `CreateKeyPair`     | SHA-1 of the private key's PKCS#8 DER | SHA-256 of the OpenSSH blob  |
//! | `ImportKeyPair`     | MD5 of the SubjectPublicKeyInfo DER   | SHA-256 of the OpenSSH blob  |
//!
//! RSA fingerprints are lowercase hex bytes joined by `:`. ED25519 fingerprints are the
//! standard base64 of the digest, as `ssh-keygen -l -E sha256` prints it but without the
//! `SHA256:` prefix and with the `=` padding kept: the guide says EC2 "might append
//! padding to the fingerprint with = characters" where ssh-keygen omits it.
//!
//! # Limitations
//!
//! - `ImportKeyPair` accepts one key per request; a file holding several keys is refused.
//! - ED25519 keys are accepted only as an OpenSSH public key line, as the guide says:
//!   base64 DER and RFC 4716 are "RSA only". `authorized_keys` options before the key
//!   type are not understood.
//! - PPK material is PuTTY's version 2 file format; EC2 may hand out version 3.

use std::fmt;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use ed25519_dalek::{SigningKey, VerifyingKey};
use hmac::{Hmac, KeyInit, Mac};
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPrivateKey, LineEnding};
use rsa::pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BoxedUint, PrivateKey, PublicKey};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::ec2::error::{Ec2Error, ErrorCode};

/// The size of the RSA keys `CreateKeyPair` makes.
const CREATED_RSA_BITS: usize = 2048;

/// The RSA modulus sizes `ImportKeyPair` accepts.
const IMPORTED_RSA_BITS: [u32; 3] = [1024, 2048, 4096];

/// SSH names of the key types cumulo handles.
const SSH_RSA: &str = "ssh-rsa";
const SSH_ED25519: &str = "ssh-ed25519";

/// The kind of key in a key pair, as EC2's `KeyType` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// An RSA key: 2048 bits when created, 1024, 2048 or 4096 bits when imported.
    Rsa,
    /// An Ed25519 key.
    Ed25519,
}

impl KeyType {
    /// The type named `wire` (`rsa`, `ed25519`), if it is one.
    pub fn from_wire(wire: &str) -> Option<Self> {
        match wire {
            "rsa" => Some(KeyType::Rsa),
            "ed25519" => Some(KeyType::Ed25519),
            _ => None,
        }
    }

    /// The type as EC2 writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyType::Rsa => "rsa",
            KeyType::Ed25519 => "ed25519",
        }
    }
}

/// The file format of the private key `CreateKeyPair` returns (its `KeyFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyFormat {
    /// PEM: PKCS#1 for RSA, the OpenSSH private key format for Ed25519.
    Pem,
    /// A PuTTY private key file.
    Ppk,
}

impl KeyFormat {
    /// The format named `wire` (`pem`, `ppk`), if it is one.
    pub fn from_wire(wire: &str) -> Option<Self> {
        match wire {
            "pem" => Some(KeyFormat::Pem),
            "ppk" => Some(KeyFormat::Ppk),
            _ => None,
        }
    }

    /// The format as EC2 writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyFormat::Pem => "pem",
            KeyFormat::Ppk => "ppk",
        }
    }
}

/// A key pair made by [`generate`]: the private key, handed out once, and what EC2 keeps.
#[derive(Clone)]
pub struct GeneratedKey {
    /// The private key file's text, returned once as `keyMaterial`.
    pub key_material: String,
    /// The key's fingerprint, as `keyFingerprint` shows it.
    pub fingerprint: String,
    /// The public key as one OpenSSH line without a comment (`ssh-rsa AAAA…`).
    pub public_key: String,
}

impl fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("key_material", &"<redacted>")
            .field("fingerprint", &self.fingerprint)
            .field("public_key", &self.public_key)
            .finish()
    }
}

/// A public key accepted by [`import`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedKey {
    /// The kind of key.
    pub key_type: KeyType,
    /// The key's fingerprint, as `keyFingerprint` shows it.
    pub fingerprint: String,
    /// The public key as one OpenSSH line without a comment, whatever format it came in.
    pub public_key: String,
}

/// Why a key pair could not be made or imported. Messages never quote key material.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The material is not a public key in any format EC2 accepts.
    Format,
    /// The material is a public key of a type EC2 does not accept (DSA, ECDSA…).
    UnsupportedKeyType,
    /// An RSA key whose modulus is not 1024, 2048 or 4096 bits long.
    UnsupportedKeyLength {
        /// The modulus length in bits.
        bits: u32,
    },
    /// The material is well formed but holds no valid key (an even modulus, a point off
    /// the curve…).
    InvalidKey,
    /// The operating system's random number generator failed.
    Random,
    /// Key generation or encoding failed.
    Generation,
}

impl KeyError {
    /// The EC2 error code a request that hit this error is answered with: EC2 refuses
    /// an `ImportKeyPair` with `InvalidKey.Format`.
    pub fn code(&self) -> ErrorCode {
        match self {
            KeyError::Format
            | KeyError::UnsupportedKeyType
            | KeyError::UnsupportedKeyLength { .. }
            | KeyError::InvalidKey => ErrorCode::InvalidKeyFormat,
            KeyError::Random | KeyError::Generation => ErrorCode::InternalError,
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // EC2 refuses DSA and ECDSA keys with the words it uses for malformed ones.
            KeyError::Format | KeyError::UnsupportedKeyType => {
                f.write_str("Key is not in valid OpenSSH public key format")
            }
            KeyError::UnsupportedKeyLength { bits } => write!(
                f,
                "Invalid RSA key length {bits}; supported lengths are 1024, 2048 and 4096"
            ),
            KeyError::InvalidKey => f.write_str("Key is not a valid public key"),
            KeyError::Random => f.write_str("The random number generator failed"),
            KeyError::Generation => f.write_str("The key pair could not be generated"),
        }
    }
}

impl std::error::Error for KeyError {}

impl From<KeyError> for Ec2Error {
    fn from(error: KeyError) -> Self {
        match error.code() {
            ErrorCode::InternalError => Ec2Error::internal(),
            code => Ec2Error::new(code, error.to_string()),
        }
    }
}

/// Makes a key pair as `CreateKeyPair` does: a 2048-bit RSA or an Ed25519 key, its
/// private key in `format`, and its fingerprint.
///
/// PEM material is `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1) for RSA and
/// `-----BEGIN OPENSSH PRIVATE KEY-----` for Ed25519, as EC2 returns them. RSA material
/// ends without a newline, like EC2's; Ed25519 material ends with one, which OpenSSH
/// needs to load the file.
///
/// # Errors
///
/// [`KeyError::Random`] if the system random number generator fails,
/// [`KeyError::Generation`] if RSA key generation or encoding fails.
pub fn generate(key_type: KeyType, format: KeyFormat) -> Result<GeneratedKey, KeyError> {
    match key_type {
        KeyType::Rsa => generate_rsa(format),
        KeyType::Ed25519 => generate_ed25519(format),
    }
}

fn generate_rsa(format: KeyFormat) -> Result<GeneratedKey, KeyError> {
    let private_key = PrivateKey::new(&mut getrandom::SysRng, CREATED_RSA_BITS)
        .map_err(|_| KeyError::Generation)?;

    let fingerprint = created_rsa_fingerprint(&private_key)?;

    let public_blob = rsa_public_blob(private_key.as_public_key());
    let key_material = match format {
        KeyFormat::Pem => {
            let pem = private_key
                .to_pkcs1_pem(LineEnding::LF)
                .map_err(|_| KeyError::Generation)?;
            pem.trim_end().to_owned()
        }
        KeyFormat::Ppk => {
            let private_blob = rsa_ppk_private_blob(&private_key)?;
            ppk_v2(SSH_RSA, &public_blob, &private_blob)
        }
    };

    Ok(GeneratedKey {
        key_material,
        fingerprint,
        public_key: openssh_line(SSH_RSA, &public_blob),
    })
}

/// SHA-1 of the private key's PKCS#8 DER, what
/// `openssl pkcs8 -topk8 -nocrypt -outform DER | openssl sha1 -c` prints.
fn created_rsa_fingerprint(private_key: &PrivateKey) -> Result<String, KeyError> {
    let pkcs8 = private_key
        .to_pkcs8_der()
        .map_err(|_| KeyError::Generation)?;
    Ok(colon_hex(&Sha1::digest(pkcs8.as_bytes())))
}

fn generate_ed25519(format: KeyFormat) -> Result<GeneratedKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|_| KeyError::Random)?;
    let signing_key = SigningKey::from_bytes(&seed);
    let public_bytes = signing_key.verifying_key().to_bytes();

    let public_blob = ed25519_public_blob(&public_bytes);
    let key_material = match format {
        KeyFormat::Pem => openssh_ed25519_private_key(&seed, &public_bytes, &public_blob)?,
        KeyFormat::Ppk => {
            // PuTTY keeps the 32-byte seed as the private part.
            let mut private_blob = Zeroizing::new(Vec::with_capacity(36));
            put_string(&mut private_blob, seed.as_ref());
            ppk_v2(SSH_ED25519, &public_blob, &private_blob)
        }
    };

    Ok(GeneratedKey {
        key_material,
        fingerprint: sha256_fingerprint(&public_blob),
        public_key: openssh_line(SSH_ED25519, &public_blob),
    })
}

/// Reads a public key as `ImportKeyPair` does, from `PublicKeyMaterial` after its base64
/// transport encoding was removed.
///
/// Accepted: an OpenSSH public key line (`ssh-rsa AAAA… comment`, `ssh-ed25519 …`); an
/// RFC 4716 `---- BEGIN SSH2 PUBLIC KEY ----` file; base64 DER (SubjectPublicKeyInfo or
/// PKCS#1); PEM `PUBLIC KEY` or `RSA PUBLIC KEY`; and any of these base64-encoded once
/// more. Surrounding whitespace and line endings do not matter.
///
/// # Errors
///
/// [`KeyError::Format`] for material in no accepted format,
/// [`KeyError::UnsupportedKeyType`] for key types other than RSA and Ed25519,
/// [`KeyError::UnsupportedKeyLength`] for RSA moduli not 1024, 2048 or 4096 bits long,
/// [`KeyError::InvalidKey`] for well-formed material holding no valid key.
pub fn import(public_key_material: &[u8]) -> Result<ImportedKey, KeyError> {
    import_material(public_key_material, true)
}

fn import_material(material: &[u8], may_unwrap: bool) -> Result<ImportedKey, KeyError> {
    let text = std::str::from_utf8(material).map_err(|_| KeyError::Format)?;
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\0');

    if text.starts_with("---- BEGIN SSH2 PUBLIC KEY ----") {
        return import_rfc4716(text);
    }
    if text.starts_with("-----BEGIN ") {
        return import_pem(text);
    }
    if let Some(first_word) = text.split_ascii_whitespace().next()
        && looks_like_ssh_key_type(first_word)
    {
        return import_openssh_line(text);
    }

    // Base64 DER, or a whole key file base64-encoded once more than the transport needs.
    let decoded = decode_base64(text)?;
    if decoded.first() == Some(&DER_SEQUENCE) {
        return import_rsa_der(&decoded);
    }
    if may_unwrap {
        return import_material(&decoded, false);
    }
    Err(KeyError::Format)
}

/// The first byte of a DER SEQUENCE, which every DER public key starts with.
const DER_SEQUENCE: u8 = 0x30;

fn looks_like_ssh_key_type(word: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-"]
        .iter()
        .any(|prefix| word.starts_with(prefix))
}

/// `type base64-blob [comment]`: one key on one line.
fn import_openssh_line(text: &str) -> Result<ImportedKey, KeyError> {
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let line = lines.next().ok_or(KeyError::Format)?;
    if lines.next().is_some() {
        return Err(KeyError::Format);
    }

    let mut words = line.split_ascii_whitespace();
    let key_type = words.next().ok_or(KeyError::Format)?;
    let blob = decode_base64(words.next().ok_or(KeyError::Format)?)?;

    let key = import_ssh_blob(&blob)?;
    let blob_type = match key.key_type {
        KeyType::Rsa => SSH_RSA,
        KeyType::Ed25519 => SSH_ED25519,
    };
    if blob_type != key_type {
        return Err(KeyError::Format);
    }
    Ok(key)
}

/// RFC 4716 section 3: begin line, header lines (`Tag: value`, continued by a trailing
/// backslash), the base64 blob, end line.
fn import_rfc4716(text: &str) -> Result<ImportedKey, KeyError> {
    let mut lines = text.lines().map(str::trim);
    lines.next();

    let mut body = String::new();
    let mut continued_header = false;
    let mut ended = false;
    for line in lines.by_ref() {
        if line == "---- END SSH2 PUBLIC KEY ----" {
            ended = true;
            break;
        }
        if continued_header || line.contains(':') {
            continued_header = line.ends_with('\\');
            continue;
        }
        body.push_str(line);
    }
    if !ended || lines.any(|line| !line.is_empty()) {
        return Err(KeyError::Format);
    }

    let key = import_ssh_blob(&decode_base64(&body)?)?;
    // The User Guide lists this format as RSA only.
    if key.key_type != KeyType::Rsa {
        return Err(KeyError::UnsupportedKeyType);
    }
    Ok(key)
}

/// RFC 7468 textual encoding of a SubjectPublicKeyInfo or a PKCS#1 RSA public key.
fn import_pem(text: &str) -> Result<ImportedKey, KeyError> {
    let (label, rest) = text
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.split_once("-----"))
        .ok_or(KeyError::Format)?;
    let end_marker = format!("-----END {label}-----");
    let body = rest
        .strip_suffix(end_marker.as_str())
        .ok_or(KeyError::Format)?;
    let der = decode_base64(body)?;

    let public_key = match label {
        "PUBLIC KEY" => rsa_from_spki_der(&der)?,
        "RSA PUBLIC KEY" => PublicKey::from_pkcs1_der(&der).map_err(|_| KeyError::InvalidKey)?,
        _ => return Err(KeyError::Format),
    };
    imported_rsa(&public_key)
}

/// Base64 DER: a SubjectPublicKeyInfo or, failing that, a PKCS#1 RSA public key.
fn import_rsa_der(der: &[u8]) -> Result<ImportedKey, KeyError> {
    let public_key = match rsa_from_spki_der(der) {
        Ok(public_key) => public_key,
        Err(_) => PublicKey::from_pkcs1_der(der).map_err(|_| KeyError::Format)?,
    };
    imported_rsa(&public_key)
}

fn rsa_from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
    PublicKey::from_public_key_der(der).map_err(|error| match error {
        rsa::pkcs8::spki::Error::OidUnknown { .. } => KeyError::UnsupportedKeyType,
        _ => KeyError::Format,
    })
}

/// The SSH public key blob of RFC 4253 section 6.6 (RSA) or RFC 8709 section 4 (Ed25519).
fn import_ssh_blob(blob: &[u8]) -> Result<ImportedKey, KeyError> {
    let mut reader = SshReader(blob);
    let key_type = reader.string()?;

    match key_type {
        b"ssh-rsa" => {
            let exponent = reader.mpint()?;
            let modulus = reader.mpint()?;
            reader.finish()?;
            imported_rsa(&rsa_public_key(modulus, exponent)?)
        }
        b"ssh-ed25519" => {
            let public_bytes: [u8; 32] = reader
                .string()?
                .try_into()
                .map_err(|_| KeyError::InvalidKey)?;
            reader.finish()?;
            VerifyingKey::from_bytes(&public_bytes).map_err(|_| KeyError::InvalidKey)?;
            let public_blob = ed25519_public_blob(&public_bytes);
            Ok(ImportedKey {
                key_type: KeyType::Ed25519,
                fingerprint: sha256_fingerprint(&public_blob),
                public_key: openssh_line(SSH_ED25519, &public_blob),
            })
        }
        _ => Err(KeyError::UnsupportedKeyType),
    }
}

/// An RSA public key from big-endian modulus and exponent, its length checked first so
/// the error names the length.
fn rsa_public_key(modulus: &[u8], exponent: &[u8]) -> Result<PublicKey, KeyError> {
    let bits = bit_length(modulus);
    if !IMPORTED_RSA_BITS.contains(&bits) {
        return Err(KeyError::UnsupportedKeyLength { bits });
    }
    let n = uint_from_be(modulus)?;
    let e = uint_from_be(exponent)?;
    PublicKey::new(n, e).map_err(|_| KeyError::InvalidKey)
}

fn uint_from_be(bytes: &[u8]) -> Result<BoxedUint, KeyError> {
    let bits = u32::try_from(bytes.len().max(1) * 8).map_err(|_| KeyError::InvalidKey)?;
    BoxedUint::from_be_slice(bytes, bits).map_err(|_| KeyError::InvalidKey)
}

/// The bit length of a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> u32 {
    let significant = trim_leading_zeros(bytes);
    match significant.first() {
        None => 0,
        Some(first) => {
            let rest = u32::try_from(significant.len() - 1).unwrap_or(u32::MAX / 16);
            rest * 8 + (8 - first.leading_zeros())
        }
    }
}

/// An imported RSA key: its length checked, fingerprinted as MD5 of its
/// SubjectPublicKeyInfo DER (what `openssl pkey -pubin -outform DER | openssl md5 -c` gives).
fn imported_rsa(public_key: &PublicKey) -> Result<ImportedKey, KeyError> {
    let bits = public_key.n().bit_width();
    if !IMPORTED_RSA_BITS.contains(&bits) {
        return Err(KeyError::UnsupportedKeyLength { bits });
    }

    let spki = public_key
        .to_public_key_der()
        .map_err(|_| KeyError::InvalidKey)?;
    let fingerprint = colon_hex(&md5::Md5::digest(spki.as_bytes()));

    Ok(ImportedKey {
        key_type: KeyType::Rsa,
        fingerprint,
        public_key: openssh_line(SSH_RSA, &rsa_public_blob(public_key)),
    })
}

/// `string "ssh-rsa", mpint e, mpint n` (RFC 4253 section 6.6).
fn rsa_public_blob(public_key: &PublicKey) -> Vec<u8> {
    let mut blob = Vec::with_capacity(32 + public_key.size());
    put_string(&mut blob, SSH_RSA.as_bytes());
    put_mpint(&mut blob, &public_key.e().to_be_bytes());
    put_mpint(&mut blob, &public_key.n().to_be_bytes());
    blob
}

/// `string "ssh-ed25519", string key` (RFC 8709 section 4).
fn ed25519_public_blob(public_bytes: &[u8; 32]) -> Vec<u8> {
    let mut blob = Vec::with_capacity(51);
    put_string(&mut blob, SSH_ED25519.as_bytes());
    put_string(&mut blob, public_bytes);
    blob
}

fn openssh_line(key_type: &str, public_blob: &[u8]) -> String {
    format!("{key_type} {}", STANDARD.encode(public_blob))
}

/// The OpenSSH private key format (PROTOCOL.key in OpenSSH's sources), unencrypted, with
/// one Ed25519 key and an empty comment.
fn openssh_ed25519_private_key(
    seed: &[u8; 32],
    public_bytes: &[u8; 32],
    public_blob: &[u8],
) -> Result<String, KeyError> {
    const AUTH_MAGIC: &[u8] = b"openssh-key-v1\0";
    const BLOCK_SIZE: usize = 8;

    // Private section: check integers, the key, a comment, then padding 1, 2, 3… to the
    // cipher block size ("none" uses 8).
    let mut check = [0u8; 4];
    getrandom::fill(&mut check).map_err(|_| KeyError::Random)?;
    let mut keypair = Zeroizing::new([0u8; 64]);
    keypair[..32].copy_from_slice(seed);
    keypair[32..].copy_from_slice(public_bytes);

    let mut private = Zeroizing::new(Vec::with_capacity(160));
    private.extend_from_slice(&check);
    private.extend_from_slice(&check);
    put_string(&mut private, SSH_ED25519.as_bytes());
    put_string(&mut private, public_bytes);
    put_string(&mut private, keypair.as_ref());
    put_string(&mut private, b"");
    let mut pad = 1u8;
    while private.len() % BLOCK_SIZE != 0 {
        private.push(pad);
        pad += 1;
    }

    // Outer structure: magic, cipher "none", KDF "none", empty KDF options, one key.
    let mut file = Zeroizing::new(Vec::with_capacity(256));
    file.extend_from_slice(AUTH_MAGIC);
    put_string(&mut file, b"none");
    put_string(&mut file, b"none");
    put_string(&mut file, b"");
    file.extend_from_slice(&1u32.to_be_bytes());
    put_string(&mut file, public_blob);
    put_string(&mut file, &private);

    let body = Zeroizing::new(STANDARD.encode(file.as_slice()));
    let mut pem = String::with_capacity(body.len() + 80);
    pem.push_str("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for line in body.as_bytes().chunks(70) {
        pem.push_str(std::str::from_utf8(line).map_err(|_| KeyError::Generation)?);
        pem.push('\n');
    }
    // ssh-keygen refuses the file ("error in libcrypto") without this newline.
    pem.push_str("-----END OPENSSH PRIVATE KEY-----\n");
    Ok(pem)
}

/// PuTTY's private part of an RSA key: `mpint d, mpint p, mpint q, mpint iqmp`.
fn rsa_ppk_private_blob(private_key: &PrivateKey) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let [p, q] = private_key.primes() else {
        return Err(KeyError::Generation);
    };
    let iqmp = private_key.crt_coefficient().ok_or(KeyError::Generation)?;

    let mut blob = Zeroizing::new(Vec::with_capacity(700));
    put_mpint(&mut blob, &Zeroizing::new(private_key.d().to_be_bytes()));
    put_mpint(&mut blob, &Zeroizing::new(p.to_be_bytes()));
    put_mpint(&mut blob, &Zeroizing::new(q.to_be_bytes()));
    put_mpint(&mut blob, &Zeroizing::new(iqmp.to_be_bytes()));
    Ok(blob)
}

/// A PuTTY-User-Key-File-2, unencrypted, with an empty comment. The MAC is HMAC-SHA-1
/// keyed with SHA-1 of "putty-private-key-file-mac-key" and an empty passphrase, over
/// the algorithm, encryption, comment and both blobs, each as an SSH string.
fn ppk_v2(algorithm: &str, public_blob: &[u8], private_blob: &[u8]) -> String {
    const ENCRYPTION: &str = "none";
    const COMMENT: &str = "";

    let mut mac_input = Zeroizing::new(Vec::with_capacity(
        32 + public_blob.len() + private_blob.len(),
    ));
    put_string(&mut mac_input, algorithm.as_bytes());
    put_string(&mut mac_input, ENCRYPTION.as_bytes());
    put_string(&mut mac_input, COMMENT.as_bytes());
    put_string(&mut mac_input, public_blob);
    put_string(&mut mac_input, private_blob);
    let mac_key = Sha1::digest(b"putty-private-key-file-mac-key");
    let mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&mac_key)
        .map(|mac| {
            mac.chain_update(mac_input.as_slice())
                .finalize()
                .into_bytes()
        })
        .map(|tag| hex::encode(tag.as_slice()))
        .unwrap_or_default();

    let public_lines = base64_lines(public_blob, 64);
    let private_lines = base64_lines(private_blob, 64);
    let mut ppk = String::with_capacity(public_blob.len() * 2 + private_blob.len() * 2 + 200);
    ppk.push_str(&format!("PuTTY-User-Key-File-2: {algorithm}\n"));
    ppk.push_str(&format!("Encryption: {ENCRYPTION}\nComment: {COMMENT}\n"));
    ppk.push_str(&format!("Public-Lines: {}\n", public_lines.len()));
    for line in public_lines.iter() {
        ppk.push_str(line);
        ppk.push('\n');
    }
    ppk.push_str(&format!("Private-Lines: {}\n", private_lines.len()));
    for line in private_lines.iter() {
        ppk.push_str(line);
        ppk.push('\n');
    }
    ppk.push_str(&format!("Private-MAC: {mac}"));
    ppk
}

fn base64_lines(bytes: &[u8], width: usize) -> Zeroizing<Vec<String>> {
    let encoded = Zeroizing::new(STANDARD.encode(bytes));
    Zeroizing::new(
        encoded
            .as_bytes()
            .chunks(width)
            .map(|line| String::from_utf8_lossy(line).into_owned())
            .collect(),
    )
}

/// SHA-256 of an OpenSSH public key blob, standard base64 with its `=` padding.
fn sha256_fingerprint(public_blob: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(public_blob))
}

/// Lowercase hex bytes joined by `:`, as `openssl md5 -c` prints them.
fn colon_hex(digest: &[u8]) -> String {
    let mut out = String::with_capacity(digest.len() * 3);
    for (index, byte) in digest.iter().enumerate() {
        if index > 0 {
            out.push(':');
        }
        out.push_str(&hex::encode([*byte]));
    }
    out
}

/// Standard base64, whitespace anywhere ignored, padding optional.
fn decode_base64(text: &str) -> Result<Vec<u8>, KeyError> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err(KeyError::Format);
    }
    LENIENT.decode(compact).map_err(|_| KeyError::Format)
}

fn trim_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// An unsigned big-endian integer as an SSH mpint: minimal, with a zero byte in front
/// when the high bit is set (RFC 4251 section 5).
fn put_mpint(out: &mut Vec<u8>, be_bytes: &[u8]) {
    let significant = trim_leading_zeros(be_bytes);
    let sign_pad = usize::from(significant.first().is_some_and(|b| b & 0x80 != 0));
    let len = u32::try_from(significant.len() + sign_pad).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    if sign_pad == 1 {
        out.push(0);
    }
    out.extend_from_slice(significant);
}

/// Reads the SSH wire encoding of RFC 4251 section 5.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn string(&mut self) -> Result<&'a [u8], KeyError> {
        let (len, rest) = self.0.split_first_chunk::<4>().ok_or(KeyError::Format)?;
        let len = usize::try_from(u32::from_be_bytes(*len)).map_err(|_| KeyError::Format)?;
        if len > rest.len() {
            return Err(KeyError::Format);
        }
        let (value, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(value)
    }

    /// A non-negative mpint, without its leading zero bytes.
    fn mpint(&mut self) -> Result<&'a [u8], KeyError> {
        let value = self.string()?;
        if value.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(KeyError::InvalidKey);
        }
        Ok(trim_leading_zeros(value))
    }

    fn finish(&self) -> Result<(), KeyError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(KeyError::Format)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rsa::pkcs1::DecodeRsaPrivateKey;

    // Test keys made once with `ssh-keygen -t rsa -b 2048` and `ssh-keygen -t ed25519`.
    const RSA_2048_OPENSSH: &str = concat!(
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCR/GCbKIvAOsT9QBBrz1N1C/ytcqfFJfwn60mL",
        "4wfeDPhUg8aZ7g49kO5HG/Jo8cnClZG1RYnw9aoQENqYcmo0jL9fk8VNxByaxuKBcgm76DGnwOE1",
        "xy5AG29iH3BMrOyL1qurJIEqEJDg94d2TmX3mRyQqYh0TEkxQoUN0ArLZu02Ln/uLLWIRyQUF/NH",
        "Vtdc/E79TvMfHM+Ca1wRQQUUE8e+kpGVdxsHT7aR+TGG6koAMVMLEHgUSsD9k70xLuSzUgXrJ/TG",
        "WYFP7UQZPEFYylGE37n/9rDaVNyX0QFskKM+VjClYuC4qekMt74gvGQPUKvvZDZq59cXQEkA2Erl",
        " alice@example",
    );

    // `ssh-keygen -e -m PKCS8 -f k.pub | openssl pkey -pubin -outform DER | openssl md5 -c`
    const RSA_2048_MD5_OF_SPKI: &str = "43:1c:b1:96:5a:c3:ed:e3:fb:f8:1d:de:be:02:1f:e1";

    // `ssh-keygen -e -f k.pub`, its comment header split over two lines.
    const RSA_2048_RFC4716: &str = "---- BEGIN SSH2 PUBLIC KEY ----\n\
Comment: \"2048-bit RSA, converted \\\n\
by ssh-keygen from OpenSSH\"\n\
AAAAB3NzaC1yc2EAAAADAQABAAABAQCR/GCbKIvAOsT9QBBrz1N1C/ytcqfFJfwn60mL4w\n\
feDPhUg8aZ7g49kO5HG/Jo8cnClZG1RYnw9aoQENqYcmo0jL9fk8VNxByaxuKBcgm76DGn\n\
wOE1xy5AG29iH3BMrOyL1qurJIEqEJDg94d2TmX3mRyQqYh0TEkxQoUN0ArLZu02Ln/uLL\n\
WIRyQUF/NHVtdc/E79TvMfHM+Ca1wRQQUUE8e+kpGVdxsHT7aR+TGG6koAMVMLEHgUSsD9\n\
k70xLuSzUgXrJ/TGWYFP7UQZPEFYylGE37n/9rDaVNyX0QFskKM+VjClYuC4qekMt74gvG\n\
QPUKvvZDZq59cXQEkA2Erl\n\
---- END SSH2 PUBLIC KEY ----\n";

    // `openssl pkey -pubin -in k.spki.pem -outform DER | base64 -w0`
    const RSA_2048_SPKI_BASE64: &str = concat!(
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkfxgmyiLwDrE/UAQa89TdQv8rXKnxSX8",
        "J+tJi+MH3gz4VIPGme4OPZDuRxvyaPHJwpWRtUWJ8PWqEBDamHJqNIy/X5PFTcQcmsbigXIJu+gx",
        "p8DhNccuQBtvYh9wTKzsi9arqySBKhCQ4PeHdk5l95kckKmIdExJMUKFDdAKy2btNi5/7iy1iEck",
        "FBfzR1bXXPxO/U7zHxzPgmtcEUEFFBPHvpKRlXcbB0+2kfkxhupKADFTCxB4FErA/ZO9MS7ks1IF",
        "6yf0xlmBT+1EGTxBWMpRhN+5//aw2lTcl9EBbJCjPlYwpWLguKnpDLe+ILxkD1Cr72Q2aufXF0BJ",
        "ANhK5QIDAQAB",
    );

    // `ssh-keygen -e -m PEM -f k.pub`
    const RSA_2048_PKCS1_PEM: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAkfxgmyiLwDrE/UAQa89TdQv8rXKnxSX8J+tJi+MH3gz4VIPGme4O
PZDuRxvyaPHJwpWRtUWJ8PWqEBDamHJqNIy/X5PFTcQcmsbigXIJu+gxp8DhNccu
QBtvYh9wTKzsi9arqySBKhCQ4PeHdk5l95kckKmIdExJMUKFDdAKy2btNi5/7iy1
iEckFBfzR1bXXPxO/U7zHxzPgmtcEUEFFBPHvpKRlXcbB0+2kfkxhupKADFTCxB4
FErA/ZO9MS7ks1IF6yf0xlmBT+1EGTxBWMpRhN+5//aw2lTcl9EBbJCjPlYwpWLg
uKnpDLe+ILxkD1Cr72Q2aufXF0BJANhK5QIDAQAB
-----END RSA PUBLIC KEY-----
";

    const RSA_1024_OPENSSH: &str = concat!(
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDzcmKkd4IXmomkDqlB6smPbF5kHJzU7Uh0kCtZ",
        "1ayVW1IPEr+srejuy4ftd7PMJ3O6GbCzGpluq8x59brwpmki8+wvZNpgDsesfbPF9U10+PEWKd12",
        "F1WDDiSdiThe1755unJa0gq6AIpBoEcu/UQGaYr4dr7EgF/w5Ssh8J3Lvw== ",
    );
    const RSA_1024_MD5_OF_SPKI: &str = "62:59:57:5c:19:fe:3d:57:4e:45:37:cb:72:69:fb:83";

    const RSA_3072_OPENSSH: &str = concat!(
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQClTWRBCwXxtTsNESz59TKmGQS5u/YCczwihXox",
        "2a2TdYqVkTjAXBFc2hy1pm/EpTjf1MC4+VHVcfsuWtc3n+TBgEyzTmkEJtXUs6AYftAjA5PlZkUJ",
        "lhKnRrJDMUOSg+2h/K6CUCC53AL+ZK4EIAVnsFhkw0/I04JqkCD3wId4mTr3kxFubdjjVoNcvYzu",
        "kQZTcQS+nyAgcjR2a76OozeMhdwYvr4WKTFWSr9lS72cRnD8S8b4C/R7P5MOtr5Anjjg5VbPXUi4",
        "jqkmcMZN31u0JE1p5e+qwXO5Pnka+pBkwPtaMmu1/SxoUoxadK2jdLVGGboLpj1Swgm3avDtVp/1",
        "J+28qDKXoe8wbOrCsdJgbM4s8VG03wDQnGNVN//XFLty4f6D0c71SRRHeR2fRtXVS24ckuC0UQ3F",
        "XJmGxWrkr/yOmiJToDAfJg9mL0OT0ZE5mrAqZqhl0f//alyGqZBtcDXgHa/uPUef2j2IHeKVUuQt",
        "xEVF0wo+YTqVIK8jwJs=",
    );

    const ED25519_OPENSSH: &str = concat!(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGEg0Udf2ziZNW201SrbFcpJKxngqP0Srhev6nq+",
        "n2EZ bob@example",
    );

    // `ssh-keygen -l -E sha256` prints `SHA256:tPGqH+MTN8DzLE+f6hzLzRmfCYcJXXq2nX6fpmBxuug`.
    const ED25519_SHA256: &str = "tPGqH+MTN8DzLE+f6hzLzRmfCYcJXXq2nX6fpmBxuug=";

    const ECDSA_OPENSSH: &str = concat!(
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEJN",
        "YdeVggnkkZRX4vRaipWgDJFJhuey9Px2r+Yx2Q5coA6EOIJtKtrdnmthc8vZnMJgdM1jDwhdoCiH",
        "K1vifyk=",
    );

    // A test-only RSA key from `openssl genrsa -traditional 1024`. Its fingerprint from
    // `openssl pkcs8 -topk8 -nocrypt -outform DER | openssl sha1 -c`:
    // bf:db:e2:fe:13:d2:f4:5a:eb:44:07:ad:8f:97:d7:b2:f6:eb:88:4e
    const FIXTURE_RSA_PRIVATE_PEM: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICXQIBAAKBgQDPgT+PwhL0x7feQqeW6cg1BvQ2xD6jutMQchYxKyz89xN2cf+9
mPNhNtTf9Ua3mAkpuhEvbqurVGJF0xeNMSMESz0qV1wgd8VkWE9LEBbuhk9r8CFm
AhnKy6Wg0Vq2zymb8wPptvNRxVPmlqmurdybzCBPsDVOBfnvULrnQgEVBwIDAQAB
AoGAIt0BU+L0kmHX16T1SVrAA4DGmUkBiTrDaXjxl5M8fMf6YiUnJbDD+2pd+77X
AdOufm8/oeuDNkb4N+kOhO9jhXBOLbpyX3n6ee34n9XgV37mhGncbgWw8zt4+ucy
xUsQb1cQAhmvHeMMX2TwUKvGMPHMfER9DKpFAH3Tj8rJJnkCQQD/jfE+koOLpPcc
gi6d3FPBbLnljvE+28c2yC814LMpPlLP2/O61tvptItFkh/cLajRooeECDTyuRfR
IaWArAa7AkEAz93cVxIPZQZppIzsfoAilj8ssl4CDAOFJBmgwMyzgtGV6zWykYfQ
LaP/Dju4S0gHvZFVTCj6rkPqkSaZa8CUJQJBAPgUTtCzYke5iLmAFsjgDd6DMaML
NF4U9DrV8h6XVtT+z11A5EXINguVXG3ZAFy5Zly7LlqZrOzDib9WrldOp+kCQBrN
HlXTrEx4UTK4QN3mo47/wkGVQWpPIeGPtFxniFW7tDrJh6af/kWEOaSaKp76QJU+
oeLZ/chuVVY1xd5QzEkCQQD/GhU2LJHXUAEUig2DICE+wLy7NtrweANnYp9FZzpC
mu0SFrbFjraczIf1a0JLqyx9vKd191pltQpLfhubHXRg
-----END RSA PRIVATE KEY-----
";
    const FIXTURE_RSA_SHA1_OF_PKCS8: &str =
        "bf:db:e2:fe:13:d2:f4:5a:eb:44:07:ad:8f:97:d7:b2:f6:eb:88:4e";

    fn without_comment(line: &str) -> String {
        line.split(' ').take(2).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn key_type_and_format_round_trip_their_wire_names() {
        for key_type in [KeyType::Rsa, KeyType::Ed25519] {
            assert_eq!(KeyType::from_wire(key_type.as_str()), Some(key_type));
        }
        for format in [KeyFormat::Pem, KeyFormat::Ppk] {
            assert_eq!(KeyFormat::from_wire(format.as_str()), Some(format));
        }
        assert_eq!(KeyType::from_wire("dsa"), None);
        assert_eq!(KeyType::from_wire("RSA"), None);
        assert_eq!(KeyFormat::from_wire("der"), None);
    }

    #[test]
    fn imported_openssh_rsa_key_is_fingerprinted_with_md5_of_its_spki() {
        let key = import(RSA_2048_OPENSSH.as_bytes()).unwrap();

        assert_eq!(key.key_type, KeyType::Rsa);
        assert_eq!(key.fingerprint, RSA_2048_MD5_OF_SPKI);
        assert_eq!(key.fingerprint.len(), 47);
        assert_eq!(key.public_key, without_comment(RSA_2048_OPENSSH));
    }

    #[test]
    fn imported_rsa_key_has_one_fingerprint_whatever_its_format() {
        let pem_spki = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            RSA_2048_SPKI_BASE64
        );
        let materials = [
            RSA_2048_RFC4716.to_owned(),
            RSA_2048_RFC4716.replace('\n', "\r\n"),
            RSA_2048_SPKI_BASE64.to_owned(),
            pem_spki,
            RSA_2048_PKCS1_PEM.to_owned(),
            format!("  {RSA_2048_OPENSSH}\r\n\n"),
        ];

        for material in materials {
            let key = import(material.as_bytes()).unwrap();
            assert_eq!(key.key_type, KeyType::Rsa);
            assert_eq!(key.fingerprint, RSA_2048_MD5_OF_SPKI);
            assert_eq!(key.public_key, without_comment(RSA_2048_OPENSSH));
        }
    }

    #[test]
    fn material_base64_encoded_once_more_is_read_through() {
        for text in [RSA_2048_OPENSSH, RSA_2048_RFC4716] {
            let encoded = format!("{}\n", STANDARD.encode(text));
            let key = import(encoded.as_bytes()).unwrap();
            assert_eq!(key.fingerprint, RSA_2048_MD5_OF_SPKI);
        }

        let twice = STANDARD.encode(STANDARD.encode(RSA_2048_OPENSSH));
        assert_eq!(import(twice.as_bytes()), Err(KeyError::Format));
    }

    #[test]
    fn imported_1024_bit_rsa_key_is_accepted() {
        let key = import(RSA_1024_OPENSSH.as_bytes()).unwrap();

        assert_eq!(key.fingerprint, RSA_1024_MD5_OF_SPKI);
    }

    #[test]
    fn imported_rsa_key_of_3072_bits_is_refused_with_its_length() {
        assert_eq!(
            import(RSA_3072_OPENSSH.as_bytes()),
            Err(KeyError::UnsupportedKeyLength { bits: 3072 })
        );
    }

    #[test]
    fn imported_ed25519_key_fingerprint_is_sha256_base64_with_padding() {
        let key = import(ED25519_OPENSSH.as_bytes()).unwrap();

        assert_eq!(key.key_type, KeyType::Ed25519);
        assert_eq!(key.fingerprint, ED25519_SHA256);
        assert_eq!(key.public_key, without_comment(ED25519_OPENSSH));
    }

    #[test]
    fn ecdsa_keys_are_refused_as_unsupported() {
        assert_eq!(
            import(ECDSA_OPENSSH.as_bytes()),
            Err(KeyError::UnsupportedKeyType)
        );
    }

    #[test]
    fn ed25519_key_in_rfc4716_format_is_refused_as_the_user_guide_says_rsa_only() {
        let blob = ED25519_OPENSSH.split(' ').nth(1).unwrap();
        let material =
            format!("---- BEGIN SSH2 PUBLIC KEY ----\n{blob}\n---- END SSH2 PUBLIC KEY ----");

        assert_eq!(
            import(material.as_bytes()),
            Err(KeyError::UnsupportedKeyType)
        );
    }

    #[test]
    fn malformed_material_is_a_format_error() {
        let blob_says_ed25519 = ED25519_OPENSSH.replace("ssh-ed25519", "ssh-rsa");
        let two_keys = format!("{RSA_2048_OPENSSH}\n{ED25519_OPENSSH}\n");
        let truncated = &RSA_2048_OPENSSH[..200];
        let private_key = FIXTURE_RSA_PRIVATE_PEM;
        let unterminated_rfc4716 = RSA_2048_RFC4716.replace("---- END SSH2 PUBLIC KEY ----", "");
        // Not base64, though a decoder that skips unknown characters would read it.
        let backslash_in_base64 = RSA_2048_OPENSSH.replacen("AAAA", "AA\\AA", 1);

        for material in [
            "",
            "   \n",
            "not a key",
            "ssh-rsa",
            "ssh-rsa !!!!",
            truncated,
            &blob_says_ed25519,
            &two_keys,
            private_key,
            &unterminated_rfc4716,
            &backslash_in_base64,
        ] {
            assert_eq!(
                import(material.as_bytes()),
                Err(KeyError::Format),
                "{material:?}"
            );
        }
        assert_eq!(import(&[0xff, 0xfe, 0x00]), Err(KeyError::Format));
    }

    #[test]
    fn ed25519_key_off_the_curve_is_invalid() {
        // y = 2 has no x on the curve, so this encoding is not a point.
        let mut point = [0u8; 32];
        point[0] = 2;
        let line = openssh_line(SSH_ED25519, &ed25519_public_blob(&point));

        assert_eq!(import(line.as_bytes()), Err(KeyError::InvalidKey));
    }

    #[test]
    fn created_rsa_fingerprint_is_sha1_of_pkcs8_der_as_openssl_prints_it() {
        let private_key = PrivateKey::from_pkcs1_pem(FIXTURE_RSA_PRIVATE_PEM).unwrap();

        assert_eq!(
            created_rsa_fingerprint(&private_key).unwrap(),
            FIXTURE_RSA_SHA1_OF_PKCS8
        );
    }

    // Checked once by hand: the PEM of a generated key, saved to a file, gave the same
    // fingerprint through `openssl pkcs8 -topk8 -nocrypt -outform DER | openssl sha1 -c`,
    // and its `public_key` the same line as `ssh-keygen -y -f`.
    #[test]
    fn generated_rsa_key_is_pkcs1_pem_fingerprinted_with_sha1_of_its_pkcs8_der() {
        let generated = generate(KeyType::Rsa, KeyFormat::Pem).unwrap();

        assert!(
            generated
                .key_material
                .starts_with("-----BEGIN RSA PRIVATE KEY-----\n")
        );
        assert!(
            generated
                .key_material
                .ends_with("\n-----END RSA PRIVATE KEY-----")
        );
        let private_key = PrivateKey::from_pkcs1_pem(&generated.key_material).unwrap();
        assert_eq!(private_key.n().bit_width(), 2048);
        let pkcs8 = private_key.to_pkcs8_der().unwrap();
        assert_eq!(
            generated.fingerprint,
            colon_hex(&Sha1::digest(pkcs8.as_bytes()))
        );
        assert_eq!(generated.fingerprint.len(), 59);

        let reimported = import(generated.public_key.as_bytes()).unwrap();
        assert_eq!(reimported.public_key, generated.public_key);
        assert_eq!(reimported.fingerprint.len(), 47);
        assert_ne!(reimported.fingerprint, generated.fingerprint);
    }

    // Checked once by hand: the material, saved to a file with mode 0600, loads with
    // `ssh-keygen -y -f`, which prints `public_key`.
    #[test]
    fn generated_ed25519_key_is_an_openssh_private_key_with_the_import_fingerprint() {
        let generated = generate(KeyType::Ed25519, KeyFormat::Pem).unwrap();

        let body = generated
            .key_material
            .strip_prefix("-----BEGIN OPENSSH PRIVATE KEY-----\n")
            .and_then(|rest| rest.strip_suffix("\n-----END OPENSSH PRIVATE KEY-----\n"))
            .unwrap();
        assert!(body.lines().all(|line| line.len() <= 70));
        let file = decode_base64(body).unwrap();
        let mut reader = SshReader(file.strip_prefix(b"openssh-key-v1\0").unwrap());
        assert_eq!(reader.string().unwrap(), b"none");
        assert_eq!(reader.string().unwrap(), b"none");
        assert_eq!(reader.string().unwrap(), b"");
        reader.0 = reader.0.strip_prefix(&1u32.to_be_bytes()).unwrap();
        let public_blob = reader.string().unwrap();
        let private = reader.string().unwrap();
        reader.finish().unwrap();
        assert_eq!(private.len() % 8, 0);
        assert_eq!(private[..4], private[4..8]);

        let mut private_reader = SshReader(&private[8..]);
        assert_eq!(private_reader.string().unwrap(), b"ssh-ed25519");
        let public_bytes = private_reader.string().unwrap();
        let keypair = private_reader.string().unwrap();
        let seed: [u8; 32] = keypair[..32].try_into().unwrap();
        assert_eq!(
            SigningKey::from_bytes(&seed).verifying_key().as_bytes(),
            public_bytes
        );
        assert_eq!(&keypair[32..], public_bytes);

        let imported = import(generated.public_key.as_bytes()).unwrap();
        assert_eq!(imported.key_type, KeyType::Ed25519);
        assert_eq!(imported.fingerprint, generated.fingerprint);
        assert_eq!(public_blob, ed25519_public_blob(&imported_bytes(&imported)));
        assert_eq!(generated.fingerprint.len(), 44);
    }

    fn imported_bytes(key: &ImportedKey) -> [u8; 32] {
        let blob = decode_base64(key.public_key.split(' ').nth(1).unwrap()).unwrap();
        blob[blob.len() - 32..].try_into().unwrap()
    }

    // Checked once by hand: both files load with `puttygen -O public-openssh`, which
    // prints `public_key`.
    #[test]
    fn generated_ppk_material_is_an_unencrypted_putty_v2_file() {
        for (key_type, algorithm) in [(KeyType::Rsa, SSH_RSA), (KeyType::Ed25519, SSH_ED25519)] {
            let generated = generate(key_type, KeyFormat::Ppk).unwrap();

            let mut lines = generated.key_material.lines();
            assert_eq!(
                lines.next(),
                Some(format!("PuTTY-User-Key-File-2: {algorithm}").as_str())
            );
            assert_eq!(lines.next(), Some("Encryption: none"));
            assert_eq!(lines.next(), Some("Comment: "));
            let public_lines: usize = lines
                .next()
                .and_then(|line| line.strip_prefix("Public-Lines: "))
                .unwrap()
                .parse()
                .unwrap();
            let public_blob: String = lines.by_ref().take(public_lines).collect();
            assert_eq!(format!("{algorithm} {public_blob}"), generated.public_key);
            assert!(
                generated
                    .key_material
                    .lines()
                    .last()
                    .unwrap()
                    .starts_with("Private-MAC: ")
            );
        }
    }

    #[test]
    fn generated_key_debug_hides_the_private_key() {
        let generated = generate(KeyType::Ed25519, KeyFormat::Pem).unwrap();

        let debug = format!("{generated:?}");

        assert!(debug.contains("<redacted>"));
        assert!(!debug.contains("PRIVATE KEY"));
    }

    #[test]
    fn key_errors_answer_with_ec2_codes() {
        for refused in [KeyError::Format, KeyError::UnsupportedKeyType] {
            let error = Ec2Error::from(refused);
            assert_eq!(error.code(), ErrorCode::InvalidKeyFormat);
            assert_eq!(
                error.message(),
                "Key is not in valid OpenSSH public key format"
            );
        }
        assert_eq!(
            KeyError::UnsupportedKeyLength { bits: 3072 }.code(),
            ErrorCode::InvalidKeyFormat
        );
        assert_eq!(
            Ec2Error::from(KeyError::Random).code(),
            ErrorCode::InternalError
        );
    }

    proptest! {
        #[test]
        fn import_never_panics_on_arbitrary_bytes(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        ) {
            let _ = import(&bytes);
        }

        #[test]
        fn import_never_panics_on_arbitrary_ssh_blobs(
            key_type in prop_oneof![Just("ssh-rsa"), Just("ssh-ed25519"), Just("ssh-dss")],
            rest in proptest::collection::vec(any::<u8>(), 0..1200),
        ) {
            let mut blob = Vec::new();
            put_string(&mut blob, key_type.as_bytes());
            blob.extend_from_slice(&rest);
            let line = openssh_line(key_type, &blob);
            let _ = import(line.as_bytes());
            let rfc4716 = format!(
                "---- BEGIN SSH2 PUBLIC KEY ----\n{}\n---- END SSH2 PUBLIC KEY ----",
                STANDARD.encode(&blob)
            );
            let _ = import(rfc4716.as_bytes());
        }

        #[test]
        fn import_never_panics_on_arbitrary_rsa_components(
            exponent in proptest::collection::vec(any::<u8>(), 0..16),
            modulus in proptest::collection::vec(any::<u8>(), 120..520),
        ) {
            let mut blob = Vec::new();
            put_string(&mut blob, SSH_RSA.as_bytes());
            put_string(&mut blob, &exponent);
            put_string(&mut blob, &modulus);
            let _ = import(openssh_line(SSH_RSA, &blob).as_bytes());
        }

        #[test]
        fn import_never_panics_on_arbitrary_der(
            der in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let mut material = vec![DER_SEQUENCE];
            material.extend_from_slice(&der);
            let _ = import(STANDARD.encode(&material).as_bytes());
            let pem = format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
                STANDARD.encode(&material)
            );
            let _ = import(pem.as_bytes());
        }
    }
}
