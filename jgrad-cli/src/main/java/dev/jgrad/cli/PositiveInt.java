package dev.jgrad.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a count that must be at least 1 (a batch size), so that {@code --batch 0} is refused while the command line
 * is parsed, as {@code --batch x} is: "Invalid value for option '--batch': '0' is not a positive integer", with the
 * usage hint and exit code 2, before anything is loaded.
 */
final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a positive integer" + (value.strip().matches("[+-]?\\d+")
                    ? " (at most " + Integer.MAX_VALUE + ")" : ""));
        }
        if (n < 1) throw new TypeConversionException("'" + value + "' is not a positive integer (at least 1)");
        return n;
    }
}
