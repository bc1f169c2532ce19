REM propgen's PDF export, run inside LibreOffice by generator/pdf.py (one process a batch).
REM
REM It does what `soffice --convert-to pdf` does, plus one setting. LibreOffice's DOCX import
REM ignores w:autoSpaceDE and w:autoSpaceDN, so it adds its own gap between Hangul and Latin
REM letters or digits ("2025 년 12 월") even where the document switches that off, as
REM propgen's templates do and Word honours. Here the gap is switched off in every paragraph
REM style of the documents that ask for it.
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
    End If
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

Sub Report(sErrorsUrl As String, sSource As String, sMessage As String)
    Dim nOut As Integer
    nOut = FreeFile
    Open ConvertFromURL(sErrorsUrl) For Append As #nOut
    Print #nOut, sSource & Chr(9) & sMessage
    Close #nOut
End Sub
