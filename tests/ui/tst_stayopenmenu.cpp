// Ticking values in a facet menu: the menu stays open between ticks; plain items still close it.

#include "common/StayOpenMenu.h"

#include <QSignalSpy>
#include <QTest>

using fleet::StayOpenMenu;

class TestStayOpenMenu : public QObject
{
    Q_OBJECT

private slots:
    void checkableItemsKeepItOpen();
    void plainItemsCloseIt();
};

void TestStayOpenMenu::checkableItemsKeepItOpen()
{
    StayOpenMenu menu;
    QAction *a = menu.addAction(QStringLiteral("GW-4000 (12)"));
    QAction *b = menu.addAction(QStringLiteral("IO-240 (7)"));
    a->setCheckable(true);
    b->setCheckable(true);
    menu.popup(QPoint(10, 10));
    QVERIFY(QTest::qWaitForWindowExposed(&menu));
    QTest::mouseClick(&menu, Qt::LeftButton, {}, menu.actionGeometry(a).center());
    QVERIFY(menu.isVisible());
    QTest::mouseClick(&menu, Qt::LeftButton, {}, menu.actionGeometry(b).center());
    QVERIFY(menu.isVisible());
    QVERIFY(a->isChecked());
    QVERIFY(b->isChecked());
    QTest::mouseClick(&menu, Qt::LeftButton, {}, menu.actionGeometry(a).center());
    QVERIFY(!a->isChecked());
}

void TestStayOpenMenu::plainItemsCloseIt()
{
    StayOpenMenu menu;
    QAction *plain = menu.addAction(QStringLiteral("Clear"));
    QSignalSpy triggered(plain, &QAction::triggered);
    menu.popup(QPoint(10, 10));
    QVERIFY(QTest::qWaitForWindowExposed(&menu));
    QTest::mouseClick(&menu, Qt::LeftButton, {}, menu.actionGeometry(plain).center());
    QCOMPARE(triggered.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(!menu.isVisible(), 5000);
}

QTEST_MAIN(TestStayOpenMenu)
#include "tst_stayopenmenu.moc"
