REM propgen's PDF export, run inside LibreOffice by generator/pdf.py (one process a batch).
REM
REM It does what `soffice --convert-to pdf` does, plus one setting. LibreOffice's DOCX import
REM ignores w:autoSpaceDE and w:autoSpaceDN, so it adds its own gap between Hangul and Latin
REM letters or digits ("2025 년 12 월") even where the document switches that off, as
REM propgen's templates do and Word honours. Here the gap is switched off in every paragraph
REM style of the documents that ask for it.
REM
REM The same documents get a Korean line-breaking rule Word applies and LibreOffice does not:
REM a number stays with the Hangul unit after it ("8억", "28일"; see KoreanLineStarts). In
REM every document, ids and FR Doc. numbers do not break at their hyphens ("2025-19674",
REM "ITA-ITA-2025-0070"): a WORD JOINER (U+2060), a zero-width character that forbids a line
REM break on either side (UAX #14, class WJ), goes after each such hyphen in the copy
REM LibreOffice exports; the DOCX is left as it is. The table of contents and page references
REM are updated before the export, so the contents list page numbers.
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
        oStyles = oDoc.StyleFamilies.getByName("ParagraphStyles")
        For i = 0 To oStyles.Count - 1
            oStyles.getByIndex(i).ParaIsCharacterDistance = False
        Next i
        KoreanLineStarts(oDoc)
    End If
    KeepJoined(oDoc, "([0-9A-Z])-([0-9A-Z])", "$1-" & Chr(&H2060) & "$2")
    oDoc.getTextFields().refresh()
    For i = 0 To oDoc.getDocumentIndexes().Count - 1
        oDoc.getDocumentIndexes().getByIndex(i).update()
    Next i
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

REM LibreOffice breaks between a number and the Hangul after it ("28" | "일") even with a
REM WORD JOINER between them; what it does honour is its list of characters that may not
REM start a line (Asian layout, per language). The Korean list gets the units that follow
REM numbers in dates and sums (년 월 일 억) and the middle dot, added to the list the Korean
REM locale already has (closing punctuation), which a list set here replaces.
REM Seen with LibreOffice 7.4: with these four units on the list they stay with their number.
REM Counters (개 원 호 명 만 조) were tried too: after a space and a number they still began
REM lines ("16" | "개사"), and with them on the list LibreOffice broke a word ("애" | "리조나"),
REM so they are not on it.
Sub KoreanLineStarts(oDoc As Object)
    Dim oSettings As Object, oForbidden As Object
    Dim aLocale As New com.sun.star.lang.Locale
    Dim aRules As New com.sun.star.i18n.ForbiddenCharacters
    aLocale.Language = "ko"
    aLocale.Country = "KR"
    oSettings = oDoc.createInstance("com.sun.star.text.DocumentSettings")
    oForbidden = oSettings.ForbiddenCharacters
    If oForbidden.hasForbiddenCharacters(aLocale) Then
        aRules = oForbidden.getForbiddenCharacters(aLocale)
    Else
        aRules = createUnoService("com.sun.star.i18n.LocaleData").getForbiddenCharacters(aLocale)
    End If
    aRules.beginLine = aRules.beginLine & Chr(&HB144) & Chr(&HC6D4) & Chr(&HC77C) & _
        Chr(&HC5B5) & Chr(&H00B7) & Chr(&H30FB)
    oForbidden.setForbiddenCharacters(aLocale, aRules)
End Sub

Sub KeepJoined(oDoc As Object, sPattern As String, sReplacement As String)
    Dim oReplace As Object
    oReplace = oDoc.createReplaceDescriptor()
    oReplace.SearchRegularExpression = True
    oReplace.SearchString = sPattern
    oReplace.ReplaceString = sReplacement
    oDoc.replaceAll(oReplace)
End Sub

Sub Report(sErrorsUrl As String, sSource As String, sMessage As String)
    Dim nOut As Integer
    nOut = FreeFile
    Open ConvertFromURL(sErrorsUrl) For Append As #nOut
    Print #nOut, sSource & Chr(9) & sMessage
    Close #nOut
End Sub
