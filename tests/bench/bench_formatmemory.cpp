// SPDX-License-Identifier: GPL-3.0-or-later
// Memory and time of the importers on big files (label "bench"): writes a
// CAL500exp file over the cell limit (hard 0/1 values, about 50 MB), one
// under it (soft values, about 17 MB) and a catalogue, reads each with
// LabelImporter::read and prints the seconds and the growth of the peak
// resident memory (Linux: VmHWM, reset through /proc/self/clear_refs).
// Asserts nothing about time; it only checks the verdicts (rejected /
// accepted). TAGLANE_BENCH_MB scales the sizes (default 1.0).
#include "engine/formats/labelimporter.h"

#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>
#include <QTextStream>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace taglane::engine;

namespace {

/// Peak resident memory of this process in KiB, or -1 where unknown.
qint64 peakKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').front().toLongLong();
    return -1;
}

qint64 currentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').front().toLongLong();
    return -1;
}

/// Resets the peak to the current resident size (Linux 4.0 and later),
/// after handing the memory freed by earlier rows back to the system (so
/// that a row cannot hide its growth in it).
void resetPeak()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    if (f.open(QIODevice::WriteOnly))
        f.write("5");
}

/// A CAL500exp file of about `bytes`, with `tags` tag columns.
void writeCal500(const QString &path, int tags, qint64 bytes, bool soft)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QByteArray header = "Start_Time,End_Time";
    for (int t = 0; t < tags; ++t)
        header += ",Tag_" + QByteArray::number(t);
    f.write(header + '\n');
    QRandomGenerator random(7);
    qint64 written = header.size() + 1;
    for (qint64 row = 0; written < bytes; ++row) {
        QByteArray line = QByteArray::number(double(row) * 0.01, 'f', 2) + ',' + QByteArray::number(double(row + 1) * 0.01, 'f', 2);
        for (int t = 0; t < tags; ++t)
            line += soft ? ',' + QByteArray::number(random.generateDouble(), 'f', 9) : QByteArray(random.bounded(2) ? ",1" : ",0");
        line += '\n';
        f.write(line);
        written += line.size();
    }
}

/// A catalogue of about `bytes`: one track, 50 tags, curator rows.
void writeCatalogue(const QString &path, qint64 bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    const QByteArray header = "file,start,end,tag,value,source,confidence,curator,modified\n";
    f.write(header);
    qint64 written = header.size();
    for (qint64 s = 0; written < bytes; ++s)
        for (int t = 0; t < 50; ++t) {
            const QByteArray line = "song.wav," + QByteArray::number(s) + ',' + QByteArray::number(s + 1) + ",Tag_"
                                    + QByteArray::number(t) + ",1,curator,1,ana,2026-01-02T03:04:05Z\n";
            f.write(line);
            written += line.size();
        }
}

} // namespace

class bench_FormatMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readBigFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<double>("megabytes");
        QTest::addColumn<bool>("accepted");
        const double scale = qEnvironmentVariableIsSet("TAGLANE_BENCH_MB") ? qEnvironmentVariable("TAGLANE_BENCH_MB").toDouble() : 1.0;
        QTest::newRow("cal500 hard, over the cell limit") << QStringLiteral("hard") << 50.0 * scale << false;
        QTest::newRow("cal500 soft, under the cell limit") << QStringLiteral("soft") << 17.0 * scale << true;
        QTest::newRow("catalogue") << QStringLiteral("catalogue") << 20.0 * scale << true;
    }

    void readBigFiles()
    {
        QFETCH(QString, kind);
        QFETCH(double, megabytes);
        QFETCH(bool, accepted);
        const QString dir = taglane::tests::tempDir(QStringLiteral("bench-formatmemory"));
        const QString path = dir + QStringLiteral("/big.csv");
        const auto bytes = qint64(megabytes * 1024 * 1024);
        if (kind == QLatin1String("catalogue"))
            writeCatalogue(path, bytes);
        else
            writeCal500(path, kind == QLatin1String("hard") ? 400 : 67, bytes, kind == QLatin1String("soft"));
        const LabelFormat format = kind == QLatin1String("catalogue") ? LabelFormat::Catalogue : LabelFormat::Cal500Exp;
        const double fileMiB = double(QFileInfo(path).size()) / (1024.0 * 1024.0);

        resetPeak();
        const qint64 before = currentKiB();
        QElapsedTimer clock;
        clock.start();
        qint64 cells = 0;
        QString verdict;
        {
            const auto r = LabelImporter::read(path, format);
            verdict = r.ok() ? QStringLiteral("accepted") : QStringLiteral("rejected: ") + r.error().left(160);
            if (r.ok())
                for (const TrackLabels &t : r->tracks)
                    cells += qint64(t.cells.size());
            QCOMPARE(r.ok(), accepted);
        }
        const double seconds = double(clock.nsecsElapsed()) / 1e9;
        const qint64 peak = peakKiB();
        QTextStream(stdout) << QStringLiteral("%1: %2 MiB file, %3 cells, %4 s, peak RSS +%5 MiB (%6x the file); %7\n")
                                   .arg(kind).arg(fileMiB, 0, 'f', 1).arg(cells).arg(seconds, 0, 'f', 2)
                                   .arg(double(peak - before) / 1024.0, 0, 'f', 1)
                                   .arg(double(peak - before) / 1024.0 / fileMiB, 0, 'f', 1)
                                   .arg(verdict);
        QFile::remove(path);
    }
};

QTEST_GUILESS_MAIN(bench_FormatMemory)
#include "bench_formatmemory.moc"
