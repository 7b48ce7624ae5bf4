// The libFuzzer entry point of one fuzz executable. DIALDECK_FUZZ_TARGET, set
// by CMake, names the target in fuzztargets.cpp this executable runs.

#include "fuzztargets.h"

#include <QCoreApplication>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // Some parsers use QCoreApplication::translate(); they need an application object.
    static QCoreApplication application(*argc, *argv);
    if (!Dialdeck::Fuzz::findTarget(DIALDECK_FUZZ_TARGET)) {
        std::fprintf(stderr, "Unknown fuzz target %s\n", DIALDECK_FUZZ_TARGET);
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const Dialdeck::Fuzz::Target *target = Dialdeck::Fuzz::findTarget(DIALDECK_FUZZ_TARGET);
    target->run(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    return 0;
}
