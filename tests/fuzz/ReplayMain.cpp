// Runs a fuzz target over every file of the corpus folders given on the command line, so the
// inputs libFuzzer found (and the hand-written seeds) stay regression tests in every build.

#include "FuzzTarget.h"

#include <QDirIterator>
#include <QFile>
#include <cstdio>

int main(int argc, char *argv[])
{
    int files = 0;
    for (int i = 1; i < argc; ++i) {
        QDirIterator it(QString::fromLocal8Bit(argv[i]), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (!f.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(f.fileName()));
                return 1;
            }
            const QByteArray data = f.readAll();
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(data.constData()),
                                   size_t(data.size()));
            ++files;
        }
    }
    std::printf("%d corpus inputs replayed\n", files);
    return files > 0 ? 0 : 1;
}
