// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace taglane::app {

// Each command receives its arguments after the command word and returns
// the process exit status. Messages for the user go to stderr, results to
// stdout or files.
int runInfo(const QStringList &args);
int runFeatures(const QStringList &args);
int runImportCheckpoint(const QStringList &args);
int runTag(const QStringList &args);
int runSynthCorpus(const QStringList &args);
int runImport(const QStringList &args);
int runExport(const QStringList &args);
int runTrain(const QStringList &args);
int runEvaluate(const QStringList &args);
int runRetrain(const QStringList &args);
int runDistill(const QStringList &args);
int runModels(const QStringList &args);
int runLibrary(const QStringList &args);
int runQueue(const QStringList &args);
int runSearch(const QStringList &args);
int runComplete(const QStringList &args);
int runStore(const QStringList &args);
int runAgreement(const QStringList &args);

} // namespace taglane::app
