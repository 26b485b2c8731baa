// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "widgets/window/contexttranslator.h"

#include <QApplication>
#include <QCoreApplication>
#include <QLocale>
#include <QTextStream>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

#include <unistd.h>

namespace {

/// LibTorch runs its CPU operators on OpenMP threads, and GNU OpenMP lets
/// idle threads spin between parallel regions unless OMP_WAIT_POLICY says
/// otherwise. On a machine with other work a spinning thread takes the core
/// from the one that has work: `tag --store` of 50 tracks on two busy cores
/// took 37 s with the threads spinning and 7 s with them waiting passively
/// (bench_batchtag; engine/library/SCALE.md). The runtime reads the policy
/// once, while the libraries load, before main() (and no library
/// initializer of ours runs before libgomp's), so `tag` on more than one
/// thread starts itself again with passive waiting: the libraries load a
/// second time, once per run (about 0.5 s). A policy in the environment
/// (OMP_WAIT_POLICY=ACTIVE) is kept.
void restartWithPassiveOpenMpWaiting(int argc, char **argv)
{
#ifdef __linux__
    if (argc < 2 || std::strcmp(argv[1], "tag") != 0 || std::getenv("OMP_WAIT_POLICY"))
        return;
    for (int i = 2; i < argc; ++i) {
        // One thread makes no OpenMP team, so nothing spins.
        if (std::strcmp(argv[i], "--threads=1") == 0 || (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc
                                                         && std::strcmp(argv[i + 1], "1") == 0))
            return;
    }
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    ::execv("/proc/self/exe", argv);
    ::unsetenv("OMP_WAIT_POLICY");   // exec failed: carry on as started
#else
    (void)argc;
    (void)argv;
#endif
}

struct Command
{
    const char *name;
    const char *summary;
    std::function<int(const QStringList &)> run;
};

QString usage(const std::vector<Command> &commands)
{
    QString text = QCoreApplication::translate("cli", "Usage: taglane-cli COMMAND [ARGUMENTS...]\n\n"
                                                      "Taglane's headless front end. Commands:\n");
    for (const Command &c : commands)
        text += QStringLiteral("  %1%2\n").arg(QString::fromLatin1(c.name), -20).arg(QCoreApplication::translate("cli", c.summary));
    text += QCoreApplication::translate("cli", "\nRun 'taglane-cli COMMAND --help' for a command's options.\n");
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    restartWithPassiveOpenMpWaiting(argc, argv);

    // Plots (evaluate --plots) are drawn with QCustomPlot, which needs a
    // QApplication; everything else runs on a QCoreApplication. Without a
    // display the offscreen platform draws them.
    bool needsGui = false;
    for (int i = 1; i < argc; ++i)
        needsGui = needsGui || QByteArray(argv[i]) == "--plots";
    if (needsGui && qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> application(needsGui ? new QApplication(argc, argv)
                                                           : new QCoreApplication(argc, argv));
    QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("taglane-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Taglane"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TAGLANE_VERSION));

    // Messages follow the system locale when a translation is embedded.
    taglane::widgets::ContextTranslator::installFor(app, QLocale());

    using namespace taglane::app;
    const std::vector<Command> commands = {
        {"info", QT_TRANSLATE_NOOP("cli", "print duration, rate, channels and format of audio files"), runInfo},
        {"features", QT_TRANSLATE_NOOP("cli", "write a Mel, ERB, ERB-cepstrum or scattering matrix as CSV"), runFeatures},
        {"import-checkpoint", QT_TRANSLATE_NOOP("cli", "turn a published PyTorch checkpoint into a model bundle"), runImportCheckpoint},
        {"tag", QT_TRANSLATE_NOOP("cli", "tag audio files or folders with a model, segment by segment"), runTag},
        {"synth-corpus", QT_TRANSLATE_NOOP("cli", "render a synthetic corpus with exact segment labels (FluidSynth)"), runSynthCorpus},
        {"import", QT_TRANSLATE_NOOP("cli", "import label files (CAL500exp, catalogue, JAMS, Audacity, Sonic Visualiser) into a store"), runImport},
        {"export", QT_TRANSLATE_NOOP("cli", "export a store's labels in an exchange format"), runExport},
        {"train", QT_TRANSLATE_NOOP("cli", "train or fine-tune a model on labelled audio"), runTrain},
        {"evaluate", QT_TRANSLATE_NOOP("cli", "evaluate a model on labelled audio: table, JSON and ROC/PR plots"), runEvaluate},
        {"retrain", QT_TRANSLATE_NOOP("cli", "retrain a model on a store's curated verdicts; held-out metrics before and after"), runRetrain},
        {"distill", QT_TRANSLATE_NOOP("cli", "distill a teacher into a trainable student on unlabelled audio; compare them"), runDistill},
        {"models", QT_TRANSLATE_NOOP("cli", "list the model bundles Taglane finds (bundled: default, instruments)"), runModels},
        {"library", QT_TRANSLATE_NOOP("cli", "add audio to a store's library, list it, find moved files again"), runLibrary},
        {"queue", QT_TRANSLATE_NOOP("cli", "list uncurated cells, most useful verdicts first (uncertainty, disagreement, diverse)"), runQueue},
        {"search", QT_TRANSLATE_NOOP("cli", "find segments or tracks by tags: 'strings >= 0.8 and not curated'"), runSearch},
        {"complete", QT_TRANSLATE_NOOP("cli", "complete a curator's review of a track from its verdicts and the model; accept suggestions"), runComplete},
        {"store", QT_TRANSLATE_NOOP("cli", "copy a whole annotation store between SQLite and PostgreSQL"), runStore},
        {"agreement", QT_TRANSLATE_NOOP("cli", "agreement between a store's curators per tag: Cohen's and Fleiss' kappa, raw agreement"), runAgreement},
    };

    const QStringList args = QCoreApplication::arguments().mid(1);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.isEmpty()) {
        err << usage(commands);
        return 2;
    }
    const QString word = args.first();
    if (word == QLatin1String("-h") || word == QLatin1String("--help") || word == QLatin1String("help")) {
        out << usage(commands);
        return 0;
    }
    if (word == QLatin1String("-v") || word == QLatin1String("--version")) {
        out << "taglane-cli " << QCoreApplication::applicationVersion() << "\n";
        return 0;
    }
    for (const Command &c : commands) {
        if (word == QLatin1String(c.name))
            return c.run(args.mid(1));
    }
    err << QCoreApplication::translate("cli", "taglane-cli: unknown command '%1'\n\n").arg(word) << usage(commands);
    return 2;
}
