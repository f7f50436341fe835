#include "crypto/Ed25519PrivateKey.h"
#include "crypto/Ed25519PublicKey.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fleet;

namespace {

// RFC 8032, section 7.1, TEST 1 (empty message).
const QByteArray rfcSecret =
    QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const QByteArray rfcPublic =
    QByteArray::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const QByteArray rfcSignature = QByteArray::fromHex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701c"
    "f9b46bd25bf5f0595bbe24655141438e7a100b");

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte DER prefix, then the seed.
QByteArray pkcs8Pem(const QByteArray &seed)
{
    const QByteArray der = QByteArray::fromHex("302e020100300506032b657004220420") + seed;
    return "-----BEGIN PRIVATE KEY-----\n" + der.toBase64() + "\n-----END PRIVATE KEY-----\n";
}

Ed25519PrivateKey rfcKey()
{
    auto key = Ed25519PrivateKey::fromPem(pkcs8Pem(rfcSecret));
    if (!key)
        qFatal("RFC 8032 key: %s", qPrintable(key.message()));
    return key.value();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

} // namespace

class TestEd25519Key : public QObject
{
    Q_OBJECT

private slots:
    void rfc8032Vector();
    void generatedKeysSignAndVerify();
    void verifyRefusesTampering_data();
    void verifyRefusesTampering();
    void plainPemRoundTrip();
    void encryptedPemRoundTrip();
    void encryptedPemRefusesWrongOrMissingPassphrase_data();
    void encryptedPemRefusesWrongOrMissingPassphrase();
    void refusesOtherKeysAndGarbage_data();
    void refusesOtherKeysAndGarbage();
    void publicKeyPemAndRaw();
    void fingerprint();
    void nullKeys();
    void crossCheckWithOpensslCli();
};

void TestEd25519Key::rfc8032Vector()
{
    const Ed25519PrivateKey key = rfcKey();
    QCOMPARE(key.publicKey().raw(), rfcPublic);
    const auto signature = key.sign(QByteArray());
    QVERIFY2(signature.ok(), qPrintable(signature.message()));
    QCOMPARE(signature.value(), rfcSignature);
    const auto publicKey = Ed25519PublicKey::fromRaw(rfcPublic);
    QVERIFY(publicKey.ok());
    QVERIFY(publicKey->verify(QByteArray(), rfcSignature));
}

void TestEd25519Key::generatedKeysSignAndVerify()
{
    const auto a = Ed25519PrivateKey::generate();
    const auto b = Ed25519PrivateKey::generate();
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a->publicKey().raw() != b->publicKey().raw());
    const QByteArray message("firmware 4.5.0");
    const auto signature = a->sign(message);
    QVERIFY(signature.ok());
    QCOMPARE(signature->size(), 64);
    QVERIFY(a->publicKey().verify(message, *signature));
    QVERIFY(!b->publicKey().verify(message, *signature));
    // Copies share the key and keep working after the original is gone.
    Ed25519PrivateKey copy;
    {
        Ed25519PrivateKey original = a.value();
        copy = original;
    }
    QCOMPARE(copy.sign(message).value(), signature.value());
}

void TestEd25519Key::verifyRefusesTampering_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("signature");
    QByteArray flipped = rfcSignature;
    flipped[10] = static_cast<char>(flipped[10] ^ 0x01);
    QTest::newRow("other message") << QByteArray("x") << rfcSignature;
    QTest::newRow("flipped bit") << QByteArray() << flipped;
    QTest::newRow("short") << QByteArray() << rfcSignature.left(63);
    QTest::newRow("long") << QByteArray() << rfcSignature + '\0';
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void TestEd25519Key::verifyRefusesTampering()
{
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, signature);
    QVERIFY(!rfcKey().publicKey().verify(message, signature));
}

void TestEd25519Key::plainPemRoundTrip()
{
    const auto pem = rfcKey().toPem();
    QVERIFY(pem.ok());
    QVERIFY(pem->startsWith("-----BEGIN PRIVATE KEY-----"));
    const auto back = Ed25519PrivateKey::fromPem(*pem);
    QVERIFY2(back.ok(), qPrintable(back.message()));
    QCOMPARE(back->publicKey().raw(), rfcPublic);
}

void TestEd25519Key::encryptedPemRoundTrip()
{
    const auto pem = rfcKey().toPem("correct horse");
    QVERIFY2(pem.ok(), qPrintable(pem.message()));
    QVERIFY(pem->startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    QVERIFY(!pem->contains(pkcs8Pem(rfcSecret).mid(28, 40)));
    const auto back = Ed25519PrivateKey::fromPem(*pem, "correct horse");
    QVERIFY2(back.ok(), qPrintable(back.message()));
    QCOMPARE(back->sign("m").value(), rfcKey().sign("m").value());
}

void TestEd25519Key::encryptedPemRefusesWrongOrMissingPassphrase_data()
{
    QTest::addColumn<QByteArray>("passphrase");
    QTest::addColumn<QString>("expected");
    QTest::newRow("wrong") << QByteArray("wrong horse") << QStringLiteral("wrong passphrase");
    QTest::newRow("missing") << QByteArray() << QStringLiteral("a passphrase is needed");
}

void TestEd25519Key::encryptedPemRefusesWrongOrMissingPassphrase()
{
    QFETCH(QByteArray, passphrase);
    QFETCH(QString, expected);
    const auto pem = rfcKey().toPem("correct horse");
    QVERIFY(pem.ok());
    const auto key = Ed25519PrivateKey::fromPem(*pem, passphrase);
    QVERIFY(!key.ok());
    QVERIFY2(key.message().contains(expected), qPrintable(key.message()));
}

void TestEd25519Key::refusesOtherKeysAndGarbage_data()
{
    QTest::addColumn<QByteArray>("pem");
    QTest::addColumn<QString>("expected");
    QTest::newRow("garbage") << QByteArray("hello")
                             << QStringLiteral("Not a PKCS#8 PEM private key");
    QTest::newRow("broken base64")
        << QByteArray("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n")
        << QStringLiteral("Cannot read the private key");
    // An X25519 key (RFC 8410 prefix with OID 1.3.101.110) is a valid PKCS#8 key, but not Ed25519.
    const QByteArray x25519 = QByteArray::fromHex("302e020100300506032b656e04220420") + rfcSecret;
    QTest::newRow("x25519") << QByteArray("-----BEGIN PRIVATE KEY-----\n" + x25519.toBase64() +
                                          "\n-----END PRIVATE KEY-----\n")
                            << QStringLiteral("not an Ed25519 key");
}

void TestEd25519Key::refusesOtherKeysAndGarbage()
{
    QFETCH(QByteArray, pem);
    QFETCH(QString, expected);
    const auto key = Ed25519PrivateKey::fromPem(pem);
    QVERIFY(!key.ok());
    QVERIFY2(key.message().contains(expected), qPrintable(key.message()));
}

void TestEd25519Key::publicKeyPemAndRaw()
{
    const Ed25519PublicKey publicKey = rfcKey().publicKey();
    const auto pem = publicKey.toPem();
    QVERIFY(pem.ok());
    QVERIFY(pem->startsWith("-----BEGIN PUBLIC KEY-----"));
    const auto back = Ed25519PublicKey::fromPem(*pem);
    QVERIFY2(back.ok(), qPrintable(back.message()));
    QCOMPARE(back->raw(), rfcPublic);
    QVERIFY(back.value() == publicKey);

    QVERIFY(!Ed25519PublicKey::fromRaw(rfcPublic.left(31)).ok());
    QVERIFY(Ed25519PublicKey::fromRaw(rfcPublic.left(31))
                .message()
                .contains(QStringLiteral("32 bytes")));
    QVERIFY(!Ed25519PublicKey::fromPem("nonsense").ok());
    // A private key is not a public key.
    QVERIFY(!Ed25519PublicKey::fromPem(pkcs8Pem(rfcSecret)).ok());
}

void TestEd25519Key::fingerprint()
{
    const QString fingerprint = rfcKey().publicKey().fingerprint();
    QCOMPARE(fingerprint.size(), 32);
    QCOMPARE(fingerprint,
             QString::fromLatin1(
                 QCryptographicHash::hash(rfcPublic, QCryptographicHash::Sha256).left(16).toHex()));
    QCOMPARE(fingerprint, fingerprint.toLower());
}

void TestEd25519Key::nullKeys()
{
    const Ed25519PrivateKey privateKey;
    QVERIFY(privateKey.isNull());
    QVERIFY(!privateKey.sign("m").ok());
    QVERIFY(!privateKey.toPem().ok());
    QVERIFY(privateKey.publicKey().isNull());
    const Ed25519PublicKey publicKey;
    QVERIFY(!publicKey.verify(QByteArray(), rfcSignature));
    QVERIFY(publicKey.raw().isEmpty());
    QVERIFY(publicKey.fingerprint().isEmpty());
}

void TestEd25519Key::crossCheckWithOpensslCli()
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        QSKIP("the openssl command line is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto key = Ed25519PrivateKey::generate();
    QVERIFY(key.ok());
    const QByteArray message("fleetdesk-artifact-v1\nsha256:" + QByteArray(64, 'a') +
                             "\nsize:12\n");
    QVERIFY(writeFile(dir.filePath(QStringLiteral("key.pem")), key->toPem("pw").value()));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("msg")), message));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("sig")), key->sign(message).value()));

    const auto run = [&](const QStringList &arguments) {
        QProcess process;
        process.setWorkingDirectory(dir.path());
        process.start(openssl, arguments);
        if (!process.waitForFinished(10000)) {
            process.kill();
            process.waitForFinished();
        }
        return std::make_pair(process.exitCode(),
                              process.readAllStandardOutput() + process.readAllStandardError());
    };
    // OpenSSL reads our encrypted PKCS#8 and derives the same public key.
    auto [code, output] =
        run({QStringLiteral("pkey"), QStringLiteral("-in"), QStringLiteral("key.pem"),
             QStringLiteral("-passin"), QStringLiteral("pass:pw"), QStringLiteral("-pubout"),
             QStringLiteral("-out"), QStringLiteral("pub.pem")});
    QVERIFY2(code == 0, output.constData());
    QFile pub(dir.filePath(QStringLiteral("pub.pem")));
    QVERIFY(pub.open(QIODevice::ReadOnly));
    const auto cliPublic = Ed25519PublicKey::fromPem(pub.readAll());
    QVERIFY2(cliPublic.ok(), qPrintable(cliPublic.message()));
    QVERIFY(cliPublic.value() == key->publicKey());
    // OpenSSL verifies our signature.
    std::tie(code, output) =
        run({QStringLiteral("pkeyutl"), QStringLiteral("-verify"), QStringLiteral("-pubin"),
             QStringLiteral("-inkey"), QStringLiteral("pub.pem"), QStringLiteral("-rawin"),
             QStringLiteral("-in"), QStringLiteral("msg"), QStringLiteral("-sigfile"),
             QStringLiteral("sig")});
    QVERIFY2(code == 0, output.constData());
    // ... and refuses it for another message.
    QVERIFY(writeFile(dir.filePath(QStringLiteral("msg")), message + "x"));
    std::tie(code, output) =
        run({QStringLiteral("pkeyutl"), QStringLiteral("-verify"), QStringLiteral("-pubin"),
             QStringLiteral("-inkey"), QStringLiteral("pub.pem"), QStringLiteral("-rawin"),
             QStringLiteral("-in"), QStringLiteral("msg"), QStringLiteral("-sigfile"),
             QStringLiteral("sig")});
    QVERIFY(code != 0);
    // A key OpenSSL generated and encrypted with its defaults loads here.
    std::tie(code, output) =
        run({QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("ed25519"),
             QStringLiteral("-aes-256-cbc"), QStringLiteral("-pass"), QStringLiteral("pass:secret"),
             QStringLiteral("-out"), QStringLiteral("cli.pem")});
    QVERIFY2(code == 0, output.constData());
    QFile cliKey(dir.filePath(QStringLiteral("cli.pem")));
    QVERIFY(cliKey.open(QIODevice::ReadOnly));
    const QByteArray cliPem = cliKey.readAll();
    QVERIFY(Ed25519PrivateKey::fromPem(cliPem, "secret").ok());
    QVERIFY(!Ed25519PrivateKey::fromPem(cliPem, "other").ok());
}

QTEST_GUILESS_MAIN(TestEd25519Key)
#include "tst_ed25519key.moc"
