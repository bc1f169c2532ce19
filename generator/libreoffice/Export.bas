REM propgen's PDF export, run inside LibreOffice by generator/pdf.py (one process a batch).
REM
REM It does what `soffice --convert-to pdf` does, plus one setting. LibreOffice's DOCX import
REM ignores w:autoSpaceDE and w:autoSpaceDN, so it adds its own gap between Hangul and Latin
REM letters or digits ("2025 년 12 월") even where the document switches that off, as
REM propgen's templates do and Word honours. Here the gap is switched off in every paragraph
REM style of the documents that ask for it.
REM
REM The same documents get Korean line-breaking rules Word applies and LibreOffice does not:
REM a number stays with the Hangul after it ("8억", "28일", "16개사가"), "제" with its number,
REM a particle with the bracket before it (")이"), and no line starts with the middle dot
REM (see KoreanLineStarts and KoreanTokensWhole). In every document, ids and FR Doc. numbers
REM do not break at their hyphens ("2025-19674", "ITA-ITA-2025-0070"): propgen's DOCX has
REM Word's non-breaking hyphen there (w:noBreakHyphen, U+2011 to LibreOffice), and for the
REM hyphens a team's own template types, a WORD JOINER (U+2060), a zero-width character
REM that forbids a line break on either side (UAX #14, class WJ), goes after each such
REM hyphen in the copy LibreOffice exports.
REM The table of contents and page references are updated before the export, so the
REM contents list page numbers, and those numbers are reported (ReportPages).
REM
REM The job file has a line per document: source URL, TAB, PDF URL, TAB, 1 to switch the gap
REM off or 0. What fails is appended to the errors file: source URL, TAB, message.

Sub ExportPdfs(sJobUrl As String, sErrorsUrl As String)
    Dim nJob As Integer, sLine As String, aFields
    On Error GoTo Failed
    nJob = FreeFile
    Open ConvertFromURL(sJobUrl) For Input As #nJob
    Do While Not EOF(nJob)
        Line Input #nJob, sLine
        aFields = Split(sLine, Chr(9))
        If UBound(aFields) = 2 Then ExportOne(aFields(0), aFields(1), aFields(2) = "1", sErrorsUrl)
    Loop
    Close #nJob
    StarDesktop.terminate()
    Exit Sub
Failed:
    Report(sErrorsUrl, sJobUrl, "line " & Erl & ": " & Error$)
    StarDesktop.terminate()
End Sub

Sub ExportOne(sSource As String, sTarget As String, bNoGap As Boolean, sErrorsUrl As String)
    Dim oDoc As Object, oStyles As Object, i As Long
    Dim aLoad(0) As New com.sun.star.beans.PropertyValue
    Dim aStore(0) As New com.sun.star.beans.PropertyValue
    On Error GoTo Failed
    aLoad(0).Name = "Hidden"
    aLoad(0).Value = True
    oDoc = StarDesktop.loadComponentFromURL(sSource, "_blank", 0, aLoad())
    If IsNull(oDoc) Then
        Report(sErrorsUrl, sSource, "the file could not be loaded")
        Exit Sub
    End If
    If bNoGap Then
        KoreanLineStarts(oDoc)
        KoreanTokensWhole(oDoc)
        KeepJoined(oDoc, "(" & Chr(&HC81C) & ")([0-9])", "$1" & Chr(&H2060) & "$2")
    End If
    KeepJoined(oDoc, "([0-9A-Z])-([0-9A-Z])", "$1-" & Chr(&H2060) & "$2")
    REM Last: a change of the paragraph styles makes LibreOffice lay out every paragraph
    REM again, with the languages and forbidden characters set above, which setting them
    REM does not (a paragraph laid out before keeps its lines).
    If bNoGap Then
        oStyles = oDoc.StyleFamilies.getByName("ParagraphStyles")
        For i = 0 To oStyles.Count - 1
            oStyles.getByIndex(i).ParaIsCharacterDistance = False
        Next i
    End If
    oDoc.getTextFields().refresh()
    For i = 0 To oDoc.getDocumentIndexes().Count - 1
        oDoc.getDocumentIndexes().getByIndex(i).update()
    Next i
    ReportPages(oDoc, sTarget)
    aStore(0).Name = "FilterName"
    aStore(0).Value = "writer_pdf_Export"
    oDoc.storeToURL(sTarget, aStore())
    oDoc.close(True)
    Exit Sub
Failed:
    Report(sErrorsUrl, sSource, "line " & Erl & ": " & Error$)
    On Error Resume Next
    If Not IsNull(oDoc) Then oDoc.close(True)
End Sub

REM The middle dot may not start a Korean line: it goes on the Korean list of characters that
REM may not start a line (Asian layout, per language), after the list the Korean locale
REM already has (closing punctuation), which a list set here replaces.
Sub KoreanLineStarts(oDoc As Object)
    Dim aLocale As New com.sun.star.lang.Locale
    Dim aRules As New com.sun.star.i18n.ForbiddenCharacters
    aLocale.Language = "ko"
    aLocale.Country = "KR"
    aRules = ForbiddenOf(oDoc, aLocale)
    aRules.beginLine = aRules.beginLine & Chr(&H00B7) & Chr(&H30FB)
    ForbiddenList(oDoc).setForbiddenCharacters(aLocale, aRules)
End Sub

REM LibreOffice 7.4 breaks Korean text with its own rule (i18npool, BreakIterator_CJK::
REM getLineBreak): the line ends before the run of Hangul syllables in which the line is full,
REM so a number or a Latin word and the Hangul after it ("16" | "개사가", "AI" | "를"), "제"
REM and its number, a bracket and the word after it (")" | "이", "(" | "행정명령은") come
REM apart, a WORD JOINER or a no-break space between them notwithstanding; Word keeps such
REM a word (어절) whole. What that rule does give way to is the list of forbidden line
REM starts and ends, looked up for the language of the text where the line is full. So
REM these tokens get a language of their own, ko-KP (so still Korean to LibreOffice's line
REM breaker, with no visible effect), whose lists forbid a line to start with any Hangul
REM syllable but 제 and to end with a digit, a Latin letter, "제", a hyphen or a joiner: a
REM token full at the line's end goes to the next line whole, from its first digit, letter,
REM bracket or 제. The DOCX is not changed: Word keeps 어절 whole itself.
Sub KoreanTokensWhole(oDoc As Object)
    Dim oSearch As Object, oFound As Object, i As Long, nChar As Long, sHangul As String
    Dim aKorean As New com.sun.star.lang.Locale
    Dim aKeep As New com.sun.star.lang.Locale
    Dim aRules As New com.sun.star.i18n.ForbiddenCharacters
    Dim sSyllables As String, sClosing As String, sOpening As String, sLatin As String
    aKorean.Language = "ko"
    aKorean.Country = "KR"
    aKeep.Language = "ko"
    aKeep.Country = "KP"
    sSyllables = "[" & Chr(&HAC00) & "-" & Chr(&HD7A3) & "]+"
    oSearch = oDoc.createSearchDescriptor()
    oSearch.SearchRegularExpression = True
    sClosing = ")\]" & Chr(&H300D) & Chr(&H300F) & Chr(&H201D) & Chr(&H2019)
    sOpening = "(\[" & Chr(&H300C) & Chr(&H300E) & Chr(&H201C) & Chr(&H2018)
    oSearch.SearchString = "(" & Chr(&HC81C) & "?[0-9A-Za-z][-0-9A-Za-z,." & Chr(&H2011) & _
        Chr(&H2060) & "]*|[" & sClosing & sOpening & "])[" & sClosing & "]?" & sSyllables
    oFound = oDoc.findAll(oSearch)
    For i = 0 To oFound.Count - 1
        oFound.getByIndex(i).CharLocaleAsian = aKeep
    Next i
    sHangul = ""
    For nChar = 44032 To 55203 ' U+AC00 to U+D7A3, but U+C81C (제)
        If nChar <> 51228 Then sHangul = sHangul & Chr(nChar)
    Next nChar
    aRules = ForbiddenOf(oDoc, aKorean) ' with the middle dot of KoreanLineStarts
    sLatin = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-,." & _
        Chr(&H2011) & Chr(&H2060)
    aRules.beginLine = aRules.beginLine & sHangul
    aRules.endLine = aRules.endLine & sLatin & Chr(&HC81C)
    ForbiddenList(oDoc).setForbiddenCharacters(aKeep, aRules)
End Sub

Function ForbiddenList(oDoc As Object) As Object
    ForbiddenList = oDoc.createInstance("com.sun.star.text.DocumentSettings").ForbiddenCharacters
End Function

REM The document's lists for a language, else the locale's.
Function ForbiddenOf(oDoc As Object, aLocale)
    If ForbiddenList(oDoc).hasForbiddenCharacters(aLocale) Then
        ForbiddenOf = ForbiddenList(oDoc).getForbiddenCharacters(aLocale)
    Else
        ForbiddenOf = createUnoService("com.sun.star.i18n.LocaleData").getForbiddenCharacters(aLocale)
    End If
End Function

Sub KeepJoined(oDoc As Object, sPattern As String, sReplacement As String)
    Dim oReplace As Object
    oReplace = oDoc.createReplaceDescriptor()
    oReplace.SearchRegularExpression = True
    oReplace.SearchString = sPattern
    oReplace.ReplaceString = sReplacement
    oDoc.replaceAll(oReplace)
End Sub

REM The page number of each entry of the tables of contents as LibreOffice laid them out, one
REM a line, into TARGET.pages beside the PDF: propgen writes them into the DOCX's contents,
REM which Word shows until its fields are updated.
Sub ReportPages(oDoc As Object, sTarget As String)
    Dim nOut As Integer, i As Long, j As Long, aLines, aParts
    If oDoc.getDocumentIndexes().Count = 0 Then Exit Sub
    nOut = FreeFile
    Open ConvertFromURL(sTarget & ".pages") For Output As #nOut
    For i = 0 To oDoc.getDocumentIndexes().Count - 1
        aLines = Split(oDoc.getDocumentIndexes().getByIndex(i).getAnchor().getString(), Chr(10))
        For j = 0 To UBound(aLines)
            aParts = Split(Replace(aLines(j), Chr(13), ""), Chr(9))
            If UBound(aParts) >= 1 Then Print #nOut, Trim(aParts(UBound(aParts)))
        Next j
    Next i
    Close #nOut
End Sub

Sub Report(sErrorsUrl As String, sSource As String, sMessage As String)
    Dim nOut As Integer
    nOut = FreeFile
    Open ConvertFromURL(sErrorsUrl) For Append As #nOut
    Print #nOut, sSource & Chr(9) & sMessage
    Close #nOut
End Sub
