#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace Dialdeck::Fuzz {

// One parser entry point under fuzzing. run() feeds it one input and aborts
// the process when a property of the parser fails, which libFuzzer reports
// as a crash and the corpus regression test reports as a failed test.
struct Target
{
    const char *name;
    void (*run)(QByteArrayView input);
};

// Every fuzz target, named as its folder under tests/fuzz/corpus.
const QList<Target> &targets();

// The target called `name`, or nullptr.
const Target *findTarget(QByteArrayView name);

} // namespace Dialdeck::Fuzz
