# zctrace_embed_file(<input> <output.cpp> <symbol>)
#
# Turns a data file of the repository (for example analysis/claims.json) into
# a C++ source defining `extern const std::string_view <symbol>`, rebuilt
# whenever the file changes, so the binary carries its data with it.
function(zctrace_embed_file input output symbol)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFileScript.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/EmbedFileScript.cmake
    COMMENT "embed ${input}"
    VERBATIM)
endfunction()
