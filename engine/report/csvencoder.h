#pragma once

#include <QByteArray>
#include <QStringView>

namespace Dialdeck {

// Encodes CSV fields as RFC 4180 describes them: UTF-8, a field that contains a
// comma, a double quote, CR or LF is put in double quotes with its inner quotes
// doubled. Each function appends one field to `out` and writes no separator.
class CsvEncoder
{
public:
    // Appends a field exactly as given, quoted where RFC 4180 requires it.
    static void appendField(QByteArray &out, QStringView text);

    // Appends free text (names, numbers as typed, reasons) with the formula
    // guard: a cell a spreadsheet would run as a formula is prefixed with an
    // apostrophe, which spreadsheets show as text and do not evaluate.
    static void appendText(QByteArray &out, QStringView text);

    // Appends an E.164 number without the formula guard, although it starts
    // with '+', so programs reading the file get the number exactly as the
    // store has it. The guard is skipped only for '+' followed by 1 to 15
    // digits: a spreadsheet may show such a cell as a plain number without the
    // '+', but it contains no function or cell reference to run. Any other
    // value is written as free text, with the guard.
    static void appendPhoneNumber(QByteArray &out, QStringView e164);

    // Returns true for text that starts with =, +, -, @, tab or CR, the first
    // characters that make spreadsheet programs read a cell as a formula.
    static bool startsLikeFormula(QStringView text);

    // Returns true for '+' followed by 1 to 15 ASCII digits.
    static bool isE164Shape(QStringView text);
};

} // namespace Dialdeck
