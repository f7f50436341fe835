// SemanticVersion: SemVer 2.0.0 parsing with named errors, precedence (the spec's own ordering
// examples), the MCUboot forms, and a sort key whose byte order is precedence order.

#include "firmware/SemanticVersion.h"

#include <QTest>

using fleet::SemanticVersion;

class TestSemanticVersion : public QObject
{
    Q_OBJECT

private slots:
    void parsesValid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("plain") << "1.2.3"
                               << "1.2.3";
        QTest::newRow("zeros") << "0.0.0"
                               << "0.0.0";
        QTest::newRow("pre-release") << "1.0.0-alpha.1"
                                     << "1.0.0-alpha.1";
        QTest::newRow("hyphen in identifier") << "1.0.0-x-y-z.--"
                                              << "1.0.0-x-y-z.--";
        QTest::newRow("build") << "1.0.0+20130313144700"
                               << "1.0.0+20130313144700";
        QTest::newRow("both") << "1.0.0-beta+exp.sha.5114f85"
                              << "1.0.0-beta+exp.sha.5114f85";
        QTest::newRow("build leading zero ok") << "1.0.0+001"
                                               << "1.0.0+001";
        QTest::newRow("white space") << "  2.4.1 \n"
                                     << "2.4.1";
        QTest::newRow("mcumgr four numbers") << "1.2.3.4"
                                             << "1.2.3+4";
        QTest::newRow("imgtool form") << "1.2.3+4"
                                      << "1.2.3+4";
        QTest::newRow("huge") << "18446744073709551615.0.0"
                              << "18446744073709551615.0.0";
    }
    void parsesValid()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        auto v = SemanticVersion::parse(text);
        QVERIFY2(v.ok(), qUtf8Printable(v.message()));
        QCOMPARE(v->toString(), canonical);
        QVERIFY(!v->isNull());
    }

    void refusesInvalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << ""
                               << "empty";
        QTest::newRow("two parts") << "1.2"
                                   << "three numbers";
        QTest::newRow("five parts") << "1.2.3.4.5"
                                    << "three numbers";
        QTest::newRow("four parts with pre") << "1.2.3.4-rc"
                                             << "three numbers";
        QTest::newRow("leading zero") << "01.2.3"
                                      << "major number '01' has a leading zero";
        QTest::newRow("minor not a number") << "1.x.3"
                                            << "minor number 'x'";
        QTest::newRow("v prefix") << "v1.2.3"
                                  << "leading 'v'";
        QTest::newRow("empty pre") << "1.2.3-"
                                   << "empty pre-release identifier";
        QTest::newRow("empty pre part") << "1.2.3-a..b"
                                        << "empty pre-release identifier";
        QTest::newRow("pre leading zero") << "1.2.3-01"
                                          << "leading zero";
        QTest::newRow("bad char") << "1.2.3-a_b"
                                  << "invalid character '_'";
        QTest::newRow("empty build") << "1.2.3+"
                                     << "empty build identifier";
        QTest::newRow("bad build char") << "1.2.3+a/b"
                                        << "invalid character '/'";
        QTest::newRow("negative") << "-1.2.3"
                                  << "not a semantic version";
        QTest::newRow("too large") << "18446744073709551616.0.0"
                                   << "too large";
        QTest::newRow("spaces inside") << "1. 2.3"
                                       << "not a number";
    }
    void refusesInvalid()
    {
        QFETCH(QString, text);
        QFETCH(QString, mentions);
        auto v = SemanticVersion::parse(text);
        QVERIFY(!v.ok());
        QVERIFY2(v.message().contains(mentions), qUtf8Printable(v.message()));
    }

    // semver.org §11: each version has lower precedence than the next.
    void specOrdering_data()
    {
        QTest::addColumn<QStringList>("ascending");
        QTest::newRow("numbers") << QStringList{"1.0.0", "2.0.0", "2.1.0", "2.1.1"};
        QTest::newRow("pre-releases")
            << QStringList{"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                           "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0"};
        QTest::newRow("numeric identifiers numerically")
            << QStringList{"1.0.0-2", "1.0.0-10", "1.0.0-99999999999999999999999"};
        QTest::newRow("numbers compare numerically") << QStringList{"1.9.0", "1.10.0", "10.0.0"};
        QTest::newRow("shorter identifier first") << QStringList{"1.0.0-alpha", "1.0.0-alpha-x"};
        QTest::newRow("numeric below alphanumeric") << QStringList{"1.0.0-999", "1.0.0-a"};
        QTest::newRow("mcuboot") << QStringList{"0.9.65535", "1.0.0", "1.0.1.7", "1.255.0"};
    }
    void specOrdering()
    {
        QFETCH(QStringList, ascending);
        QList<SemanticVersion> versions;
        for (const QString &t : ascending) {
            auto v = SemanticVersion::parse(t);
            QVERIFY2(v.ok(), qUtf8Printable(v.message()));
            versions << *v;
        }
        for (qsizetype i = 0; i < versions.size(); ++i) {
            for (qsizetype j = 0; j < versions.size(); ++j) {
                const int expected = i < j ? -1 : (i > j ? 1 : 0);
                QCOMPARE(SemanticVersion::compare(versions[i], versions[j]), expected);
                const int keyOrder = versions[i].sortKey().compare(versions[j].sortKey());
                QVERIFY2((keyOrder < 0 ? -1 : (keyOrder > 0 ? 1 : 0)) == expected,
                         qUtf8Printable(versions[i].sortKey() + QLatin1String(" vs ") +
                                        versions[j].sortKey()));
            }
        }
        QVERIFY(versions.first() < versions.last());
    }

    void buildMetadataIgnoredInPrecedence()
    {
        const auto a = SemanticVersion::parse(QStringLiteral("1.0.0+a")).value();
        const auto b = SemanticVersion::parse(QStringLiteral("1.0.0+b.7")).value();
        QVERIFY(a == b);
        QCOMPARE(a.sortKey(), b.sortKey());
        QVERIFY(a.toString() != b.toString());
    }

    void fromMcuboot()
    {
        QCOMPARE(SemanticVersion::fromMcuboot(1, 2, 300, 0).toString(), QStringLiteral("1.2.300"));
        QCOMPARE(SemanticVersion::fromMcuboot(1, 2, 3, 4).toString(), QStringLiteral("1.2.3+4"));
        QVERIFY(SemanticVersion::fromMcuboot(1, 2, 3, 4) ==
                SemanticVersion::parse(QStringLiteral("1.2.3.4")).value());
        QVERIFY(SemanticVersion().isNull());
    }
};

QTEST_GUILESS_MAIN(TestSemanticVersion)
#include "tst_semver.moc"
