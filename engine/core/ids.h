#pragma once

#include <QString>

namespace Dialdeck::Ids {

// Users, caller numbers and batches are named by 24 lowercase hexadecimal
// digits, the shape the start-calling REST contract uses.
constexpr int Length = 24;

// Returns a new random id from the system's cryptographic random source.
QString generate();

bool isValid(QStringView id);

} // namespace Dialdeck::Ids
