// SPDX-License-Identifier: GPL-3.0-or-later
// Peak memory and time of `taglane-cli tag` on a one-hour 44.1 kHz stereo
// WAV with the shipped default model: tagged a window at a time (the
// default) and with the whole file decoded first (--window 0). Prints the
// figures; asserts that both runs succeed and agree, and that the windowed
// run stays under 400 MiB. TAGLANE_BENCH_SECONDS sets another length.
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QtTest>

#include <sndfile.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>

namespace {

/// Writes a track of tones and noise that changes every few seconds.
bool writeTrack(const QString &path, double seconds)
{
    const int rate = 44100;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 2;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *file = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!file)
        return false;
    const qint64 frames = qint64(seconds * rate);
    const int block = 1 << 16;
    std::vector<short> buffer(size_t(block) * 2);
    quint32 noise = 1;
    for (qint64 first = 0; first < frames; first += block) {
        const int count = int(std::min<qint64>(block, frames - first));
        for (int i = 0; i < count; ++i) {
            const double t = double(first + i) / rate;
            const int section = int(t / 3.7);
            noise = noise * 1664525u + 1013904223u;
            const double n = (double(noise >> 8) / double(1 << 24)) * 2.0 - 1.0;
            const double v = section % 3 == 0 ? 0.3 * n : 0.4 * std::sin(2 * M_PI * 55.0 * (1 + section % 11) * t);
            buffer[size_t(i) * 2] = short(v * 32000);
            buffer[size_t(i) * 2 + 1] = short((section % 2 ? v : 0.5 * v) * 32000);
        }
        if (sf_writef_short(file, buffer.data(), count) != count) {
            sf_close(file);
            return false;
        }
    }
    sf_close(file);
    return true;
}

struct ChildRun
{
    int exitCode = -1;
    long peakKiB = 0;
    double seconds = 0.0;
};

/// Runs taglane-cli with `args` (stdout and stderr to `log`) and returns
/// that child's own peak resident memory (wait4's rusage).
ChildRun runCli(const QStringList &args, const QString &log)
{
    ChildRun run;
    QList<QByteArray> bytes{QByteArray(TAGLANE_CLI_PATH)};
    for (const QString &a : args)
        bytes << a.toLocal8Bit();
    std::vector<char *> argv;
    for (QByteArray &b : bytes)
        argv.push_back(b.data());
    argv.push_back(nullptr);
    const QByteArray logPath = QFile::encodeName(log);

    QElapsedTimer clock;
    clock.start();
    const pid_t pid = fork();
    if (pid < 0)
        return run;
    if (pid == 0) {
        if (FILE *f = std::freopen(logPath.constData(), "w", stdout))
            dup2(fileno(f), STDERR_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    struct rusage usage{};
    if (wait4(pid, &status, 0, &usage) != pid)
        return run;
    run.seconds = clock.nsecsElapsed() / 1e9;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.peakKiB = usage.ru_maxrss;
    return run;
}

QVector<QVector<double>> readNumbers(const QString &path)
{
    QVector<QVector<double>> rows;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    f.readLine();
    while (!f.atEnd()) {
        QVector<double> row;
        for (const QByteArray &cell : f.readLine().trimmed().split(','))
            row << cell.toDouble();
        rows << row;
    }
    return rows;
}

} // namespace

class BenchTagMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneHourFile();
};

void BenchTagMemory::oneHourFile()
{
    bool ok = false;
    double seconds = qEnvironmentVariable("TAGLANE_BENCH_SECONDS").toDouble(&ok);
    if (!ok || seconds <= 0.0)
        seconds = 3600.0;
    const QString dir = taglane::tests::tempDir(QStringLiteral("bench-tagmemory"));
    const QString track = dir + QStringLiteral("/hour.wav");
    QElapsedTimer clock;
    clock.start();
    QVERIFY(writeTrack(track, seconds));
    qInfo("wrote %.0f s of 44.1 kHz stereo (%.0f MiB) in %.1f s", seconds,
          QFileInfo(track).size() / 1048576.0, clock.nsecsElapsed() / 1e9);

    const QString model = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");
    struct Path
    {
        const char *name;
        QString window;
        ChildRun run;
        QString out;
    };
    Path paths[] = {{"windowed (--window 60, the default)", QStringLiteral("60"), {}, {}},
                    {"whole file (--window 0)", QStringLiteral("0"), {}, {}}};
    for (Path &p : paths) {
        p.out = dir + QStringLiteral("/out-") + p.window;
        p.run = runCli({QStringLiteral("tag"), track, QStringLiteral("--model"), model, QStringLiteral("--device"),
                        QStringLiteral("cpu"), QStringLiteral("--window"), p.window, QStringLiteral("--out"), p.out},
                       dir + QStringLiteral("/log-") + p.window + QStringLiteral(".txt"));
        qInfo("%-38s exit %d, peak RSS %6.1f MiB, wall %6.1f s", p.name, p.run.exitCode, p.run.peakKiB / 1024.0,
              p.run.seconds);
    }
    for (const Path &p : paths)
        QVERIFY2(p.run.exitCode == 0, p.name);

    const auto a = readNumbers(paths[0].out + QStringLiteral("/hour.csv"));
    const auto b = readNumbers(paths[1].out + QStringLiteral("/hour.csv"));
    QCOMPARE(a.size(), b.size());
    double worst = 0.0;
    for (int i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].size(), b[i].size());
        for (int j = 0; j < a[i].size(); ++j)
            worst = std::max(worst, std::fabs(a[i][j] - b[i][j]));
    }
    qInfo("%lld segments; largest difference between the two outputs %g", qlonglong(a.size()), worst);
    QVERIFY(worst <= 1e-5);
    QVERIFY2(paths[0].run.peakKiB < 400 * 1024, "the windowed run went past 400 MiB");
    QFile::remove(track);
}

int main(int argc, char **argv)
{
    // Two runs over an hour of audio last longer than QtTest's 5-minute watchdog.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "86400000");
    QCoreApplication app(argc, argv);
    BenchTagMemory bench;
    return QTest::qExec(&bench, argc, argv);
}
#include "bench_tagmemory.moc"
