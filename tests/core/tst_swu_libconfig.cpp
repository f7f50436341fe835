// LibconfigReader: the libconfig subset sw-description uses, and clear errors with line numbers
// for what it refuses.

#include "firmware/LibconfigReader.h"

#include <QTest>

using fleet::LibconfigReader;
using fleet::LibconfigValue;

class TestSwuLibconfig : public QObject
{
    Q_OBJECT

private slots:
    void readsSwUpdateExample()
    {
        const QByteArray text = "\n"
                                "# a comment\n"
                                "software =\n"
                                "{\n"
                                "    version = \"0.1.0\";\n"
                                "    description = \"Firmware update \" \"for XXXXX Project\";   "
                                "/* adjacent strings join */\n"
                                "    hardware-compatibility: [ \"1.0\", \"1.2\", \"1.3\"];\n"
                                "    /* partitions tag is used\n"
                                "       to resize UBI partitions */\n"
                                "    partitions: ( /* UBI Volumes */\n"
                                "        {\n"
                                "            name = \"rootfs\";\n"
                                "            device = \"mtd4\";\n"
                                "            size = 104896512; /* in bytes */\n"
                                "        },\n"
                                "        {\n"
                                "            name = \"data\";\n"
                                "            device = \"mtd5\";\n"
                                "            size = 0x3000000L;\n"
                                "        }\n"
                                "    );\n"
                                "    images: ( { filename = \"sdcard.ext3.gz\"; compressed = TRUE; "
                                "ratio = 1.5e2; offset = -4 } );\n"
                                "    escaped = \"a\\\"b\\\\c\\n\\x41\";\n"
                                "    slashes = 1; // a C++-style comment\n"
                                "};\n";
        auto root = LibconfigReader::parse(text);
        QVERIFY2(root.ok(), qUtf8Printable(root.message()));
        const LibconfigValue *sw = root->member(QStringLiteral("software"));
        QVERIFY(sw && sw->isGroup());
        QCOMPARE(sw->member(QStringLiteral("version"))->string, QStringLiteral("0.1.0"));
        QCOMPARE(sw->member(QStringLiteral("description"))->string,
                 QStringLiteral("Firmware update for XXXXX Project"));
        QCOMPARE(
            sw->member(QStringLiteral("hardware-compatibility"))->scalarTexts(),
            QStringList({QStringLiteral("1.0"), QStringLiteral("1.2"), QStringLiteral("1.3")}));
        const LibconfigValue *parts = sw->member(QStringLiteral("partitions"));
        QVERIFY(parts && parts->type == LibconfigValue::Type::List);
        QCOMPARE(parts->children.size(), size_t(2));
        QCOMPARE(parts->children[0].member(QStringLiteral("size"))->integer, qint64(104896512));
        QCOMPARE(parts->children[1].member(QStringLiteral("size"))->integer, qint64(0x3000000));
        const LibconfigValue &image = sw->member(QStringLiteral("images"))->children.at(0);
        QCOMPARE(image.member(QStringLiteral("compressed"))->type, LibconfigValue::Type::Boolean);
        QVERIFY(image.member(QStringLiteral("compressed"))->boolean);
        QCOMPARE(image.member(QStringLiteral("ratio"))->real, 150.0);
        QCOMPARE(image.member(QStringLiteral("offset"))->integer, qint64(-4));
        QCOMPARE(sw->member(QStringLiteral("escaped"))->string, QStringLiteral("a\"b\\c\nA"));
        QCOMPARE(sw->member(QStringLiteral("slashes"))->integer, qint64(1));
    }

    void separatorsAreOptional()
    {
        auto root = LibconfigReader::parse("a = 1, b : \"x\" c = [] d = ()");
        QVERIFY2(root.ok(), qUtf8Printable(root.message()));
        QCOMPARE(root->children.size(), size_t(4));
        QCOMPARE(root->member(QStringLiteral("b"))->string, QStringLiteral("x"));
        QVERIFY(root->member(QStringLiteral("c"))->children.empty());
    }

    void refuses_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unclosed group") << QByteArray("a = {\n b = 1;\n") << "not closed";
        QTest::newRow("unclosed string") << QByteArray("a = \"abc") << "never closed";
        QTest::newRow("unclosed comment") << QByteArray("/* x") << "never closed";
        QTest::newRow("missing =") << QByteArray("a 1;") << "expected '=' or ':'";
        QTest::newRow("bare word") << QByteArray("a = hello;") << "not a value";
        QTest::newRow("include") << QByteArray("@include \"x.cfg\"") << "@include";
        QTest::newRow("group in array") << QByteArray("a = [ { b = 1; } ];") << "scalar";
        QTest::newRow("mixed array") << QByteArray("a = [ 1, \"x\" ];") << "one type";
        QTest::newRow("duplicate") << QByteArray("a = 1;\na = 2;")
                                   << "line 2: the setting 'a' "
                                      "appears twice";
        QTest::newRow("bad escape") << QByteArray("a = \"\\q\";") << "unknown escape";
        QTest::newRow("bad hex escape") << QByteArray("a = \"\\xZZ\";") << "two hex digits";
        QTest::newRow("missing comma") << QByteArray("a = ( 1 2 );") << "expected ',' or ')'";
        QTest::newRow("name starts with digit") << QByteArray("1a = 2;") << "setting name";
        QTest::newRow("control byte") << QByteArray("a = \x01;", 5) << "byte 0x01";
        QTest::newRow("too deep") << QByteArray(200, '(').prepend("a = ") << "nesting deeper";
        QTest::newRow("integer overflow")
            << QByteArray("a = 99999999999999999999;") << "not a value";
    }
    void refuses()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, mentions);
        auto root = LibconfigReader::parse(text);
        QVERIFY(!root.ok());
        QVERIFY2(root.message().contains(mentions), qUtf8Printable(root.message()));
        QVERIFY(root.message().startsWith(QLatin1String("line ")));
    }
};

QTEST_GUILESS_MAIN(TestSwuLibconfig)
#include "tst_swu_libconfig.moc"
