import * as vscode from 'vscode';
import { contextValues } from './contextValues';

/**
 * The "Show N more" row closing a paged list (tasks of a state, messages of a queue): N is the next
 * page, at most `pageSize`, and the description says how much of the total is shown.
 */
export function showMoreItem(page: { shown: number; total: number; pageSize: number }, command: Omit<vscode.Command, 'title'>): vscode.TreeItem {
  const more = Math.min(page.pageSize, page.total - page.shown);
  const item = new vscode.TreeItem(`Show ${more.toLocaleString('en-US')} more`, vscode.TreeItemCollapsibleState.None);
  item.description = `${page.shown.toLocaleString('en-US')} of ${page.total.toLocaleString('en-US')}`;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = contextValues.showMore();
  item.command = { ...command, title: 'Show more' };
  return item;
}
